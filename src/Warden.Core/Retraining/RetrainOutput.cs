using Warden.Contracts.Registry;

namespace Warden.Core.Retraining;

/// <summary>What a <see cref="ModelRetrainer"/> produced.</summary>
/// <param name="Onnx">The servable ONNX model.</param>
/// <param name="Card">Its card (metrics, training data, parent version).</param>
/// <param name="ReferenceCsv">Training rows (every model input plus <paramref name="LabelColumn"/>) for the new version's reference profile.</param>
/// <param name="LabelColumn">Label column of <paramref name="ReferenceCsv"/>.</param>
/// <param name="Holdout">Held-out rows scored by the new model, for its fairness report.</param>
public sealed record RetrainOutput(byte[] Onnx, ModelCard Card, string ReferenceCsv, string LabelColumn, RetrainHoldout Holdout);

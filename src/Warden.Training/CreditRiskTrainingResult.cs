using Warden.Contracts.Registry;
using Warden.Core.Onnx;

namespace Warden.Training;

/// <summary>What <see cref="CreditRiskTrainer.TrainAndExport"/> produced.</summary>
/// <param name="ModelPath">Path of <c>model.onnx</c>.</param>
/// <param name="CardPath">Path of <c>card.json</c>.</param>
/// <param name="BackgroundPath">Path of <c>background.csv</c>.</param>
/// <param name="Metrics">Held-out metrics.</param>
/// <param name="Card">The card written to <paramref name="CardPath"/>.</param>
/// <param name="Inputs">The exported graph inputs.</param>
/// <param name="Outputs">The exported graph outputs.</param>
public sealed record CreditRiskTrainingResult(
    string ModelPath,
    string CardPath,
    string BackgroundPath,
    CreditRiskMetrics Metrics,
    ModelCard Card,
    IReadOnlyList<OnnxValueSignature> Inputs,
    IReadOnlyList<OnnxValueSignature> Outputs);

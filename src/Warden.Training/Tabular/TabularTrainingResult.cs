using Warden.Contracts.Registry;
using Warden.Core.Onnx;

namespace Warden.Training.Tabular;

/// <summary>What <see cref="TabularExport.Write"/> wrote and measured.</summary>
public sealed record TabularTrainingResult(
    string ModelPath,
    string CardPath,
    string BackgroundPath,
    string ReferencePath,
    CreditRiskMetrics Metrics,
    ModelCard Card,
    IReadOnlyList<OnnxValueSignature> Inputs,
    IReadOnlyList<OnnxValueSignature> Outputs);

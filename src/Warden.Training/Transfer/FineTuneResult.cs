using Warden.Training.Adaptation;

namespace Warden.Training.Transfer;

/// <summary>What <see cref="WarmStartFineTuner.FineTuneAndExport"/> wrote and measured on the target hold-out.</summary>
/// <param name="ModelPath">The fine-tuned <c>model.onnx</c>.</param>
/// <param name="CardPath">Its <c>card.json</c>.</param>
/// <param name="ReportPath"><c>transfer.json</c> with the comparison below.</param>
/// <param name="TrainRows">Target rows fine-tuned on.</param>
/// <param name="HoldoutRows">Target rows held out.</param>
/// <param name="Base">The base model unchanged, on the target hold-out.</param>
/// <param name="FineTuned">The fine-tuned model.</param>
/// <param name="Scratch">The full pipeline trained from scratch on the same target rows.</param>
public sealed record FineTuneResult(
    string ModelPath, string CardPath, string ReportPath, int TrainRows, int HoldoutRows,
    BinaryQuality Base, BinaryQuality FineTuned, BinaryQuality Scratch);

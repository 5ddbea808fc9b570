namespace Warden.Training.Mitigation;

/// <summary>What <see cref="MitigationTrainer.TrainAndExport"/> wrote.</summary>
/// <param name="ModelPath"><c>model.onnx</c>.</param>
/// <param name="CardPath"><c>card.json</c>.</param>
/// <param name="BackgroundPath"><c>background.csv</c>.</param>
/// <param name="ReportPath"><c>mitigation.json</c>.</param>
/// <param name="MarkdownPath"><c>mitigation.md</c>.</param>
/// <param name="ThresholdsPath"><c>group-thresholds.json</c> for threshold post-processing, else null.</param>
/// <param name="Report">The before/after comparison.</param>
public sealed record MitigationResult(
    string ModelPath, string CardPath, string BackgroundPath, string ReportPath, string MarkdownPath, string? ThresholdsPath, MitigationReport Report);

namespace Warden.Training.Transfer;

/// <summary>Quality of one method after training on <see cref="Examples"/> labelled target examples, over <see cref="Runs"/> seeds.</summary>
/// <param name="Method">How the model was obtained (e.g. <c>scratch</c>, <c>fine-tune</c>).</param>
/// <param name="Examples">Labelled target examples used (mean over runs when sampling rounds; per class for the image curve).</param>
/// <param name="Runs">Seeds averaged.</param>
/// <param name="Auc">ROC AUC (binary tasks only).</param>
/// <param name="Accuracy">Accuracy.</param>
/// <param name="LogLoss">Mean log-loss in bits.</param>
public sealed record LearningCurvePoint(
    string Method, double Examples, int Runs, MetricSummary? Auc, MetricSummary Accuracy, MetricSummary LogLoss)
{
    /// <summary>A Markdown table of <paramref name="points"/>, one row each, mean ± standard deviation.</summary>
    public static string ToMarkdown(IEnumerable<LearningCurvePoint> points, string examplesHeader = "target examples")
    {
        ArgumentNullException.ThrowIfNull(points);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        static string F(MetricSummary? m) => m is null ? "–" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{m.Mean:0.000} ± {m.StandardDeviation:0.000}");
        var text = new System.Text.StringBuilder();
        text.Append("| ").Append(examplesHeader).Append(" | method | runs | AUC | accuracy | log-loss (bits) |\n|---:|---|---:|---|---|---|\n");
        foreach (var p in points)
        {
            text.Append("| ").Append(p.Examples.ToString("0.#", inv)).Append(" | ").Append(p.Method).Append(" | ")
                .Append(p.Runs.ToString(inv)).Append(" | ").Append(F(p.Auc)).Append(" | ").Append(F(p.Accuracy)).Append(" | ")
                .Append(F(p.LogLoss)).Append(" |\n");
        }

        return text.ToString();
    }
}

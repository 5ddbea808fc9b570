using Warden.Training.Transfer;

namespace Warden.Training.Adaptation;

/// <summary>Target-domain quality of one adaptation method over several seeds (mean ± sample standard deviation).</summary>
/// <param name="Method">The method.</param>
/// <param name="Auc">ROC AUC.</param>
/// <param name="Accuracy">Accuracy at probability &gt; 0.5.</param>
/// <param name="LogLoss">Log-loss in bits.</param>
/// <param name="Brier">Brier score.</param>
/// <param name="Ece">Expected calibration error, 10 bins.</param>
public sealed record AdaptationOutcome(
    string Method, MetricSummary Auc, MetricSummary Accuracy, MetricSummary LogLoss, MetricSummary Brier, MetricSummary Ece)
{
    /// <summary>Summarises per-seed results of <paramref name="method"/>.</summary>
    public static AdaptationOutcome Of(string method, IReadOnlyCollection<BinaryQuality> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return new AdaptationOutcome(method,
            MetricSummary.Of(runs.Select(r => r.Auc).ToArray()),
            MetricSummary.Of(runs.Select(r => r.Accuracy).ToArray()),
            MetricSummary.Of(runs.Select(r => r.LogLoss).ToArray()),
            MetricSummary.Of(runs.Select(r => r.Brier).ToArray()),
            MetricSummary.Of(runs.Select(r => r.Ece).ToArray()));
    }
}

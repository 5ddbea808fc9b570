namespace Warden.Core.Fairness;

/// <summary>Metrics of one group (or of all rows, key "overall"); undefined rates are null.</summary>
public sealed record GroupMetrics
{
    /// <summary>"feature=value" joined by " &amp; " for intersections, or "overall".</summary>
    public required string Key { get; init; }

    /// <summary>Feature → value of this group (empty for overall).</summary>
    public required IReadOnlyDictionary<string, string> Values { get; init; }

    /// <summary>Number of rows.</summary>
    public required long Count { get; init; }

    /// <summary>Total sample weight (equals <see cref="Count"/> without weights).</summary>
    public required double Weight { get; init; }

    /// <summary>True when <see cref="Count"/> is below the minimum group size: excluded from disparities.</summary>
    public required bool TooSmall { get; init; }

    /// <summary>Weighted confusion matrix.</summary>
    public required ConfusionCounts Confusion { get; init; }

    /// <summary>P(ŷ=1).</summary>
    public required Estimate SelectionRate { get; init; }

    /// <summary>P(y=1).</summary>
    public required Estimate BaseRate { get; init; }

    /// <summary>(TP+TN)/N.</summary>
    public required Estimate Accuracy { get; init; }

    /// <summary>TP/(TP+FN).</summary>
    public required Estimate TruePositiveRate { get; init; }

    /// <summary>FP/(FP+TN).</summary>
    public required Estimate FalsePositiveRate { get; init; }

    /// <summary>FN/(TP+FN).</summary>
    public required Estimate FalseNegativeRate { get; init; }

    /// <summary>TN/(FP+TN).</summary>
    public required Estimate TrueNegativeRate { get; init; }

    /// <summary>Precision TP/(TP+FP).</summary>
    public required Estimate PositivePredictiveValue { get; init; }

    /// <summary>FP/(TP+FP).</summary>
    public required Estimate FalseDiscoveryRate { get; init; }

    /// <summary>FN/(TN+FN).</summary>
    public required Estimate FalseOmissionRate { get; init; }

    /// <summary>TN/(TN+FN).</summary>
    public required Estimate NegativePredictiveValue { get; init; }

    /// <summary>Expected calibration error Σ_b (W_b/W)·|mean score_b − observed rate_b|; null without scores.</summary>
    public double? CalibrationError { get; init; }

    /// <summary>Reliability bins; null without scores.</summary>
    public IReadOnlyList<CalibrationBin>? Calibration { get; init; }

    /// <summary>The estimate for <paramref name="metric"/>.</summary>
    public Estimate Get(FairnessMetric metric) => metric switch
    {
        FairnessMetric.SelectionRate => SelectionRate,
        FairnessMetric.BaseRate => BaseRate,
        FairnessMetric.Accuracy => Accuracy,
        FairnessMetric.TruePositiveRate => TruePositiveRate,
        FairnessMetric.FalsePositiveRate => FalsePositiveRate,
        FairnessMetric.FalseNegativeRate => FalseNegativeRate,
        FairnessMetric.TrueNegativeRate => TrueNegativeRate,
        FairnessMetric.PositivePredictiveValue => PositivePredictiveValue,
        FairnessMetric.FalseDiscoveryRate => FalseDiscoveryRate,
        FairnessMetric.FalseOmissionRate => FalseOmissionRate,
        FairnessMetric.NegativePredictiveValue => NegativePredictiveValue,
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };
}

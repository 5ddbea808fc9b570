namespace Warden.Core.Fairness;

/// <summary>
/// Weighted confusion matrix of one group. Rates whose denominator has zero weight are undefined (null), never 0
/// (Fairlearn returns NaN or warns in that case; AIF360 divides by zero).
/// </summary>
/// <param name="TrueNegative">Σw over y=0, ŷ=0.</param>
/// <param name="FalsePositive">Σw over y=0, ŷ=1.</param>
/// <param name="FalseNegative">Σw over y=1, ŷ=0.</param>
/// <param name="TruePositive">Σw over y=1, ŷ=1.</param>
public readonly record struct ConfusionCounts(double TrueNegative, double FalsePositive, double FalseNegative, double TruePositive)
{
    /// <summary>Total weight.</summary>
    public double Total => TrueNegative + FalsePositive + FalseNegative + TruePositive;

    /// <summary>Sum of two matrices.</summary>
    public static ConfusionCounts operator +(ConfusionCounts a, ConfusionCounts b) =>
        new(a.TrueNegative + b.TrueNegative, a.FalsePositive + b.FalsePositive, a.FalseNegative + b.FalseNegative, a.TruePositive + b.TruePositive);

    /// <summary>Same as <c>+</c>.</summary>
    public static ConfusionCounts Add(ConfusionCounts a, ConfusionCounts b) => a + b;

    /// <summary>Reads cells laid out as [TN, FP, FN, TP] starting at <paramref name="offset"/> (cell = 2y + ŷ).</summary>
    internal static ConfusionCounts FromCells(double[] cells, int offset) =>
        new(cells[offset], cells[offset + 1], cells[offset + 2], cells[offset + 3]);

    /// <summary>The rate named by <paramref name="metric"/>, or null when its denominator is zero.</summary>
    public double? Rate(FairnessMetric metric) => metric switch
    {
        FairnessMetric.SelectionRate => Ratio(TruePositive + FalsePositive, Total),
        FairnessMetric.BaseRate => Ratio(TruePositive + FalseNegative, Total),
        FairnessMetric.Accuracy => Ratio(TruePositive + TrueNegative, Total),
        FairnessMetric.TruePositiveRate => Ratio(TruePositive, TruePositive + FalseNegative),
        FairnessMetric.FalsePositiveRate => Ratio(FalsePositive, FalsePositive + TrueNegative),
        FairnessMetric.FalseNegativeRate => Ratio(FalseNegative, TruePositive + FalseNegative),
        FairnessMetric.TrueNegativeRate => Ratio(TrueNegative, FalsePositive + TrueNegative),
        FairnessMetric.PositivePredictiveValue => Ratio(TruePositive, TruePositive + FalsePositive),
        FairnessMetric.FalseDiscoveryRate => Ratio(FalsePositive, TruePositive + FalsePositive),
        FairnessMetric.FalseOmissionRate => Ratio(FalseNegative, TrueNegative + FalseNegative),
        FairnessMetric.NegativePredictiveValue => Ratio(TrueNegative, TrueNegative + FalseNegative),
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    private static double? Ratio(double numerator, double denominator) => denominator > 0 ? numerator / denominator : null;
}

using System.Globalization;

namespace Warden.Core.Fairness;

/// <summary>Number formatting shared by the Markdown and HTML renderers.</summary>
internal static class ReportFormat
{
    internal const string Undefined = "undefined";

    internal static readonly (string Label, FairnessMetric Metric)[] Columns =
    [
        ("selection", FairnessMetric.SelectionRate), ("base rate", FairnessMetric.BaseRate), ("accuracy", FairnessMetric.Accuracy),
        ("TPR", FairnessMetric.TruePositiveRate), ("FPR", FairnessMetric.FalsePositiveRate), ("FNR", FairnessMetric.FalseNegativeRate),
        ("TNR", FairnessMetric.TrueNegativeRate), ("PPV", FairnessMetric.PositivePredictiveValue), ("FDR", FairnessMetric.FalseDiscoveryRate),
        ("FOR", FairnessMetric.FalseOmissionRate), ("NPV", FairnessMetric.NegativePredictiveValue),
    ];

    internal static string Num(double? v) => v is { } x ? x.ToString("0.000", CultureInfo.InvariantCulture) : Undefined;

    internal static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    internal static string WithInterval(double? value, double? lower, double? upper) =>
        lower is null || upper is null ? Num(value) : $"{Num(value)} [{Num(lower)}, {Num(upper)}]";

    internal static bool IsHeadline(Disparity d) => d.Family != DisparityCalculator.Fairlearn || d.Name.StartsWith("demographic_parity", StringComparison.Ordinal)
        || d.Name.StartsWith("equalized_odds", StringComparison.Ordinal);
}

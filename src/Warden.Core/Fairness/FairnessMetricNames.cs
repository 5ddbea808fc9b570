namespace Warden.Core.Fairness;

/// <summary>Stable snake_case names of <see cref="FairnessMetric"/> used in disparity and policy names.</summary>
internal static class FairnessMetricNames
{
    internal static readonly FairnessMetric[] All = Enum.GetValues<FairnessMetric>();

    private static readonly string[] Names =
    [
        "selection_rate", "base_rate", "accuracy", "true_positive_rate", "false_positive_rate", "false_negative_rate",
        "true_negative_rate", "positive_predictive_value", "false_discovery_rate", "false_omission_rate", "negative_predictive_value",
    ];

    internal static string Name(FairnessMetric metric) => Names[(int)metric];
}

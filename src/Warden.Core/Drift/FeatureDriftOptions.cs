namespace Warden.Core.Drift;

/// <summary>Per-feature overrides of the drift test and its threshold.</summary>
public sealed record FeatureDriftOptions
{
    /// <summary>Test to use instead of the default selection.</summary>
    public DriftTest? Test { get; init; }

    /// <summary>Threshold instead of the test's default (p-value cut-off or distance cut-off).</summary>
    public double? Threshold { get; init; }
}

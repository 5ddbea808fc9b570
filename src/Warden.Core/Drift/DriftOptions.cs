namespace Warden.Core.Drift;

/// <summary>Settings of a drift analysis.</summary>
public sealed record DriftOptions
{
    /// <summary>Data set drift is declared when drifted features / tested features ≥ this share (Evidently's default 0.5).</summary>
    public double DriftShare { get; init; } = 0.5;

    /// <summary>Features to test; null tests every profiled feature present in the current data.</summary>
    public IReadOnlyList<string>? Features { get; init; }

    /// <summary>Also compute PSI for every feature (reported next to the test score).</summary>
    public bool ComputePsi { get; init; }

    /// <summary>Numerical binning for PSI.</summary>
    public PsiBinning PsiBinning { get; init; } = PsiBinning.Evidently;

    /// <summary>Number of reference-quantile bins when <see cref="PsiBinning"/> is <see cref="PsiBinning.ReferenceQuantiles"/>.</summary>
    public int QuantileBins { get; init; } = 10;

    /// <summary>Column holding the model's score or predicted label: tested the same way, reported as prediction drift and excluded from the drift share.</summary>
    public string? PredictionColumn { get; init; }

    /// <summary>Per-feature test and threshold overrides, by feature name.</summary>
    public IReadOnlyDictionary<string, FeatureDriftOptions> PerFeature { get; init; } = new Dictionary<string, FeatureDriftOptions>();
}

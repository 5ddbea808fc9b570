namespace Warden.Core.Drift;

/// <summary>Drift test outcome for one feature.</summary>
public sealed record FeatureDriftResult
{
    /// <summary>Feature name.</summary>
    public required string Name { get; init; }

    /// <summary>Feature kind from the reference profile.</summary>
    public FeatureKind Kind { get; init; }

    /// <summary>Test applied.</summary>
    public DriftTest Test { get; init; }

    /// <summary>The drift score: the p-value for KS/chi-square/Z, otherwise the distance or PSI. NaN when a side has no values.</summary>
    public double Score { get; init; }

    /// <summary>Test statistic behind a p-value: KS D, chi-square X², or Z; null for distances.</summary>
    public double? Statistic { get; init; }

    /// <summary>For KS: whether the p-value is exact (true) or asymptotic (false).</summary>
    public bool? ExactPValue { get; init; }

    /// <summary>Threshold the score was compared with.</summary>
    public double Threshold { get; init; }

    /// <summary>True when p &lt; threshold (p-value tests) or score ≥ threshold (distances, PSI).</summary>
    public bool Drifted { get; init; }

    /// <summary>PSI when requested.</summary>
    public double? Psi { get; init; }

    /// <summary>Reference values the test used (the profile sample).</summary>
    public int ReferenceCount { get; init; }

    /// <summary>Non-missing current values.</summary>
    public int CurrentCount { get; init; }

    /// <summary>Missing current values.</summary>
    public int CurrentMissing { get; init; }

    /// <summary>Distinct values over reference and current together (drives test selection).</summary>
    public int DistinctCount { get; init; }

    /// <summary>Reference versus current histogram (Evidently binning) for the report.</summary>
    public BinnedDistribution? Histogram { get; init; }
}

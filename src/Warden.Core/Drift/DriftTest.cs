namespace Warden.Core.Drift;

/// <summary>The per-feature drift tests Warden implements (names follow Evidently's stat-test registry).</summary>
public enum DriftTest
{
    /// <summary>Two-sample Kolmogorov–Smirnov test; score is the p-value, drift when p &lt; threshold (default 0.05).</summary>
    KolmogorovSmirnov,

    /// <summary>Pearson chi-square goodness-of-fit of current counts against reference proportions; drift when p &lt; threshold (0.05).</summary>
    ChiSquare,

    /// <summary>Two-proportion Z-test for binary features; drift when p &lt; threshold (0.05).</summary>
    ZTest,

    /// <summary>Wasserstein-1 distance divided by the reference standard deviation; drift when ≥ threshold (0.1).</summary>
    Wasserstein,

    /// <summary>Jensen–Shannon distance (base 2) between binned distributions; drift when ≥ threshold (0.1).</summary>
    JensenShannon,

    /// <summary>Population Stability Index; drift when ≥ threshold (0.1, Evidently's default).</summary>
    Psi,
}

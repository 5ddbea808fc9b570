namespace Warden.Core.Fairness;

/// <summary>Settings of a fairness analysis.</summary>
public sealed record FairnessOptions
{
    /// <summary>Groups with fewer rows are reported but flagged too small to judge and left out of disparities.</summary>
    public int MinGroupSize { get; init; } = 30;

    /// <summary>Bootstrap resamples for percentile intervals; 0 disables intervals.</summary>
    public int BootstrapResamples { get; init; } = 200;

    /// <summary>Seed of the bootstrap generator (results are reproducible for a given seed).</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Two-sided coverage of the percentile intervals.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>Equal-width score bins on [0, 1] for calibration.</summary>
    public int CalibrationBins { get; init; } = 10;

    /// <summary>α of the generalised entropy index (AIF360's default is 2).</summary>
    public double GeneralizedEntropyAlpha { get; init; } = 2;

    /// <summary>Privileged value per sensitive feature (enables the AIF360 family of disparities).</summary>
    public IReadOnlyDictionary<string, string> Privileged { get; init; } = new Dictionary<string, string>();

    /// <summary>Also analyse the intersection of all sensitive features when there are two or more.</summary>
    public bool IncludeIntersection { get; init; } = true;
}

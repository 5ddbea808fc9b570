namespace Warden.Core.Drift;

/// <summary>Summary of one reference feature: counts, moments and a seeded sample of raw values for later tests.</summary>
public sealed record FeatureProfile
{
    /// <summary>Feature (column) name.</summary>
    public required string Name { get; init; }

    /// <summary>Numerical or categorical.</summary>
    public required FeatureKind Kind { get; init; }

    /// <summary>Non-missing values in the full reference.</summary>
    public long Count { get; init; }

    /// <summary>Missing values in the full reference.</summary>
    public long Missing { get; init; }

    /// <summary>Distinct non-missing values in the full reference.</summary>
    public long DistinctCount { get; init; }

    /// <summary>Mean of the full reference (numerical only).</summary>
    public double? Mean { get; init; }

    /// <summary>Population standard deviation of the full reference (numerical only).</summary>
    public double? StdDev { get; init; }

    /// <summary>Minimum of the full reference (numerical only).</summary>
    public double? Min { get; init; }

    /// <summary>Maximum of the full reference (numerical only).</summary>
    public double? Max { get; init; }

    /// <summary>Sorted distinct categories of the full reference (categorical only).</summary>
    public string[]? Categories { get; init; }

    /// <summary>
    /// Count of each of <see cref="Categories"/> in the full reference, aligned with it (categorical only; absent from
    /// profiles written before it existed, which are then tested on <see cref="CategorySample"/>).
    /// </summary>
    public long[]? CategoryCounts { get; init; }

    /// <summary>Sampled non-missing numeric values in row order (numerical only).</summary>
    public double[]? NumericSample { get; init; }

    /// <summary>Sampled non-missing categories in row order (categorical only).</summary>
    public string[]? CategorySample { get; init; }

    /// <summary>Number of sampled values.</summary>
    public int SampleCount => NumericSample?.Length ?? CategorySample?.Length ?? 0;
}

namespace Warden.Core.Abuse;

/// <summary>Parameters of <see cref="ExtractionDetector"/>.</summary>
public sealed class ExtractionDetectorOptions
{
    /// <summary>
    /// Per-feature scale: each feature is divided by it before L2 distances are taken, so that features in
    /// different units weigh alike (e.g. the feature's range or standard deviation in the training data).
    /// </summary>
    public required IReadOnlyList<double> Scales { get; init; }

    /// <summary>
    /// Optional per-feature lower bounds (raw units). Values below are clipped before scaling, so a single extreme
    /// row cannot dominate the distance distribution. Must have the same length as <see cref="Scales"/> if set.
    /// </summary>
    public IReadOnlyList<double>? Lower { get; init; }

    /// <summary>Optional per-feature upper bounds (raw units), see <see cref="Lower"/>.</summary>
    public IReadOnlyList<double>? Upper { get; init; }

    /// <summary>Minimum number of recorded minimum distances before the normality test runs (PRADA used 100).</summary>
    public int MinimumDistances { get; init; } = 50;

    /// <summary>
    /// δ: an alert is raised when Shapiro–Wilk W of the distances falls below it. PRADA used 0.90–0.96 on images;
    /// tabular data with discrete features needs a lower value calibrated on benign traffic (see docs/abuse.md).
    /// </summary>
    public double Delta { get; init; } = 0.80;

    /// <summary>Distances farther than this many standard deviations from their mean are left out of the test (PRADA: 3).</summary>
    public double OutlierSigma { get; init; } = 3.0;

    /// <summary>Most distinct queries kept per key; the oldest is evicted first (sliding window).</summary>
    public int MaxGrowingSetSize { get; init; } = 1000;

    /// <summary>Most recent minimum distances kept per key and tested (sliding window, at most 5000).</summary>
    public int MaxDistances { get; init; } = 1000;

    /// <summary>Run the test on every k-th query once enough distances exist (PRADA: every 10th).</summary>
    public int TestEvery { get; init; } = 1;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Scales);
        if (Scales.Count == 0 || Scales.Any(s => !(s > 0) || !double.IsFinite(s)))
        {
            throw new ArgumentException("Scales must be non-empty, positive and finite.", nameof(Scales));
        }

        if ((Lower is not null && Lower.Count != Scales.Count) || (Upper is not null && Upper.Count != Scales.Count))
        {
            throw new ArgumentException("Lower and Upper must have one value per feature.", nameof(Lower));
        }

        if (MinimumDistances < Statistics.ShapiroWilkTest.MinimumSize || MaxDistances > Statistics.ShapiroWilkTest.MaximumSize
            || MaxDistances < MinimumDistances)
        {
            throw new ArgumentException("Need 3 ≤ MinimumDistances ≤ MaxDistances ≤ 5000.", nameof(MinimumDistances));
        }

        if (!(Delta > 0 && Delta < 1) || !(OutlierSigma > 0) || MaxGrowingSetSize < 1 || TestEvery < 1)
        {
            throw new ArgumentException("Delta must be in (0, 1); OutlierSigma, MaxGrowingSetSize and TestEvery must be positive.", nameof(Delta));
        }
    }
}

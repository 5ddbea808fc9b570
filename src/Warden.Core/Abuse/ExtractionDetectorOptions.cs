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

    /// <summary>
    /// A query within this L2 distance (scaled units) of one of the key's recent distinct queries is a replay (a retry, a
    /// reopened case): it reveals nothing new about the model, so it is counted but neither recorded as a distance nor
    /// tested. Without this, honest retries put an atom at 0 into the distances and fail the normality test.
    /// </summary>
    public double DuplicateTolerance { get; init; } = 1e-6;

    /// <summary>
    /// Optional reference (training) rows in raw units, one value per feature. When set, a second test runs beside PRADA:
    /// the share of the key's recent queries that are atypical of the reference (see <see cref="ReferenceQuantile"/>) is
    /// compared with <see cref="AtypicalRate"/> by a one-sided binomial test. At least two rows.
    /// </summary>
    public IReadOnlyList<double[]>? Reference { get; init; }

    /// <summary>
    /// Quantile of the reference rows' leave-one-out nearest-neighbour distances beyond which a query counts as far from
    /// the reference (default 0.99: about 1 % of real rows are that isolated).
    /// </summary>
    public double ReferenceQuantile { get; init; } = 0.99;

    /// <summary>Share of atypical queries tolerated from an honest client (p₀ of the binomial test).</summary>
    public double AtypicalRate { get; init; } = 0.02;

    /// <summary>Significance of the binomial test: alert when P(X ≥ atypical | window, p₀) is below it.</summary>
    public double AtypicalAlpha { get; init; } = 1e-6;

    /// <summary>How many of the key's most recent distinct queries the binomial test counts.</summary>
    public int AtypicalWindow { get; init; } = 200;

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

        if (!(DuplicateTolerance >= 0) || !double.IsFinite(DuplicateTolerance))
        {
            throw new ArgumentException("DuplicateTolerance must be finite and not negative.", nameof(DuplicateTolerance));
        }

        if (Reference is not null && (Reference.Count < 2 || Reference.Any(r => r is null || r.Length != Scales.Count || !r.All(double.IsFinite))))
        {
            throw new ArgumentException("Reference needs at least two rows of finite values, one per feature.", nameof(Reference));
        }

        if (!(ReferenceQuantile > 0 && ReferenceQuantile < 1) || !(AtypicalRate > 0 && AtypicalRate < 1)
            || !(AtypicalAlpha > 0 && AtypicalAlpha < 1) || AtypicalWindow < MinimumDistances)
        {
            throw new ArgumentException("ReferenceQuantile, AtypicalRate and AtypicalAlpha must be in (0, 1); AtypicalWindow at least MinimumDistances.", nameof(ReferenceQuantile));
        }
    }
}

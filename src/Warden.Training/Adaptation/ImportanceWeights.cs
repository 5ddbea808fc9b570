namespace Warden.Training.Adaptation;

/// <summary>
/// Covariate-shift importance weights for source rows: w(x) = p_target(x)/p_source(x) = [P(d=t|x)/P(d=s|x)]·(n_s/n_t),
/// estimated with a probabilistic domain classifier (Bickel, Brückner &amp; Scheffer 2007, "Discriminative learning for differing
/// training and test distributions", ICML; Shimodaira 2000 for weighting the likelihood). Weights are clipped at a
/// percentile of their own distribution (to bound variance) and rescaled to mean 1.
/// </summary>
/// <param name="Weights">Final weights, one per source row, mean 1.</param>
/// <param name="RawWeights">Density ratios before clipping and normalisation.</param>
/// <param name="ClipValue">The cap applied to the raw ratios.</param>
/// <param name="ClippedRows">Rows whose ratio exceeded the cap.</param>
/// <param name="EffectiveSampleSize">Kish's effective sample size (Σw)²/Σw² (Kish 1965, <i>Survey Sampling</i>).</param>
public sealed record ImportanceWeights(
    IReadOnlyList<double> Weights, IReadOnlyList<double> RawWeights, double ClipValue, int ClippedRows, double EffectiveSampleSize)
{
    /// <summary>Default clipping percentile.</summary>
    public const double DefaultClipPercentile = 99;

    /// <summary>
    /// Builds weights from P(d = target | x) of each source row. <paramref name="sourceCount"/> and <paramref name="targetCount"/>
    /// are the domain sizes the classifier was trained on (its prior odds are n_t/n_s, which the ratio undoes).
    /// </summary>
    /// <exception cref="ArgumentException">A probability is outside (0, 1), a count is not positive, or the percentile is outside (0, 100].</exception>
    public static ImportanceWeights FromDomainProbabilities(
        IReadOnlyList<double> targetProbability, int sourceCount, int targetCount, double clipPercentile = DefaultClipPercentile)
    {
        ArgumentNullException.ThrowIfNull(targetProbability);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetCount);
        if (targetProbability.Count == 0)
        {
            throw new ArgumentException("No source rows.", nameof(targetProbability));
        }

        var prior = (double)sourceCount / targetCount;
        var raw = targetProbability.Select(p => p is > 0 and < 1
            ? p / (1 - p) * prior
            : throw new ArgumentException($"P(d=t|x) must be in (0, 1), found {p}.", nameof(targetProbability))).ToArray();
        return FromRatios(raw, clipPercentile);
    }

    /// <summary>Clips density ratios at <paramref name="clipPercentile"/> of their distribution and rescales them to mean 1.</summary>
    public static ImportanceWeights FromRatios(IReadOnlyList<double> ratios, double clipPercentile = DefaultClipPercentile)
    {
        ArgumentNullException.ThrowIfNull(ratios);
        if (clipPercentile is <= 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(clipPercentile), clipPercentile, "Percentile must be in (0, 100].");
        }

        if (ratios.Count == 0 || ratios.Any(r => !(r >= 0) || double.IsInfinity(r)))
        {
            throw new ArgumentException("Ratios must be finite, non-negative and non-empty.", nameof(ratios));
        }

        var cap = Percentile(ratios, clipPercentile);
        var clipped = ratios.Select(r => Math.Min(r, cap)).ToArray();
        var mean = clipped.Average();
        if (mean == 0)
        {
            throw new ArgumentException("All ratios are zero.", nameof(ratios));
        }

        var weights = clipped.Select(w => w / mean).ToArray();
        return new ImportanceWeights(weights, ratios.ToArray(), cap, ratios.Count(r => r > cap), KishEffectiveSampleSize(weights));
    }

    /// <summary>Kish's effective sample size (Σw)²/Σw²; equals n for equal weights and is unchanged by rescaling.</summary>
    public static double KishEffectiveSampleSize(IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        double sum = 0, squares = 0;
        foreach (var w in weights)
        {
            sum += w;
            squares += w * w;
        }

        return squares == 0 ? 0 : sum * sum / squares;
    }

    /// <summary>
    /// The q-th percentile with linear interpolation between order statistics (Hyndman &amp; Fan 1996, definition 7;
    /// NumPy's and R's default): h = (n − 1)·q/100, x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎) on the 0-based sorted sample.
    /// </summary>
    public static double Percentile(IReadOnlyList<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        var h = (sorted.Length - 1) * q / 100.0;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}

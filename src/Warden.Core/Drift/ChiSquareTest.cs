using MathNet.Numerics;

namespace Warden.Core.Drift;

/// <summary>
/// Pearson's chi-square goodness-of-fit test of current category counts against the reference proportions, as
/// Evidently's <c>chisquare</c> stat test: expected_k = reference_k · (n_current / n_reference),
/// X² = Σ (observed_k − expected_k)² / expected_k, p = P(χ²_{K−1} ≥ X²) (Pearson 1900).
/// </summary>
public static class ChiSquareTest
{
    /// <summary>Tests aligned reference and current counts over the union of categories.</summary>
    public static ChiSquareResult Test(ReadOnlySpan<long> referenceCounts, ReadOnlySpan<long> currentCounts)
    {
        if (referenceCounts.Length != currentCounts.Length)
        {
            throw new ArgumentException("Count vectors must be aligned over the same categories.");
        }

        long nRef = 0, nCur = 0;
        for (int k = 0; k < referenceCounts.Length; k++)
        {
            nRef += referenceCounts[k];
            nCur += currentCounts[k];
        }

        if (nRef == 0 || nCur == 0)
        {
            throw new ArgumentException("Both samples must be non-empty.");
        }

        double scale = (double)nCur / nRef;
        double statistic = 0;
        for (int k = 0; k < referenceCounts.Length; k++)
        {
            double expected = referenceCounts[k] * scale;
            double diff = currentCounts[k] - expected;
            if (expected == 0)
            {
                // A category never seen in the reference cannot be explained by it: infinite statistic, p = 0.
                statistic = currentCounts[k] > 0 ? double.PositiveInfinity : statistic;
                continue;
            }

            statistic += diff * diff / expected;
        }

        int df = referenceCounts.Length - 1;
        return new ChiSquareResult(statistic, df, SurvivalFunction(statistic, df));
    }

    /// <summary>
    /// P(χ²_df ≥ x) as the regularised upper incomplete gamma Q(df/2, x/2) (MathNet), which keeps precision in the
    /// tail where 1 − CDF would round to zero.
    /// </summary>
    public static double SurvivalFunction(double x, int df)
    {
        if (df <= 0 || x <= 0)
        {
            return 1.0;
        }

        return double.IsPositiveInfinity(x) ? 0.0 : SpecialFunctions.GammaUpperRegularized(df / 2.0, x / 2.0);
    }
}

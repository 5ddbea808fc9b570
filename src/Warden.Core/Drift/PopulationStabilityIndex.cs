namespace Warden.Core.Drift;

/// <summary>
/// Population Stability Index PSI = Σ (r_k − c_k) ln(r_k / c_k) over bins with reference shares r and current shares c
/// (Siddiqi 2006, <i>Credit Risk Scorecards</i>; Yurdakul 2018). Zero shares are first replaced as Evidently's
/// <c>get_binned_data(feel_zeroes=True)</c> does (see <see cref="FillZeros"/>).
/// </summary>
public static class PopulationStabilityIndex
{
    /// <summary>Replacement for an empty bin when the smallest non-zero share exceeds 0.0001.</summary>
    public const double Epsilon = 0.0001;

    /// <summary>PSI of aligned share vectors; zero shares are replaced on copies before the logarithm.</summary>
    public static double Compute(ReadOnlySpan<double> referenceShares, ReadOnlySpan<double> currentShares)
    {
        if (referenceShares.Length != currentShares.Length)
        {
            throw new ArgumentException("Share vectors must be aligned over the same bins.");
        }

        double[] r = FillZeros(referenceShares);
        double[] c = FillZeros(currentShares);
        double psi = 0;
        for (int k = 0; k < r.Length; k++)
        {
            psi += (r[k] - c[k]) * Math.Log(r[k] / c[k]);
        }

        return psi;
    }

    /// <summary>
    /// Evidently's zero fill: every zero share becomes 0.0001, or min(non-zero share)/10⁶ when that minimum is
    /// itself ≤ 0.0001, so an empty bin never dominates a genuinely small one.
    /// </summary>
    public static double[] FillZeros(ReadOnlySpan<double> shares)
    {
        var result = shares.ToArray();
        double minPositive = double.PositiveInfinity;
        foreach (double s in shares)
        {
            if (s > 0 && s < minPositive)
            {
                minPositive = s;
            }
        }

        if (double.IsPositiveInfinity(minPositive))
        {
            throw new ArgumentException("At least one share must be positive.");
        }

        double fill = minPositive <= Epsilon ? minPositive / 1e6 : Epsilon;
        for (int k = 0; k < result.Length; k++)
        {
            if (result[k] == 0)
            {
                result[k] = fill;
            }
        }

        return result;
    }
}

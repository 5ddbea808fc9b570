namespace Warden.Core.Drift;

/// <summary>
/// First Wasserstein (earth mover's) distance between two empirical distributions,
/// W₁ = ∫ |F_a(x) − F_b(x)| dx (Vallender 1974; SciPy's <c>wasserstein_distance</c>), and Evidently's
/// normalised form W₁ / max(σ_ref, 0.001) with σ_ref the population (ddof = 0) standard deviation.
/// </summary>
public static class WassersteinDistance
{
    /// <summary>W₁ for two ascending-sorted samples, in one merge pass.</summary>
    public static double Distance(ReadOnlySpan<double> sortedA, ReadOnlySpan<double> sortedB)
    {
        int n = sortedA.Length, m = sortedB.Length;
        if (n == 0 || m == 0)
        {
            throw new ArgumentException("Both samples must be non-empty.");
        }

        int i = 0, j = 0;
        double x = Math.Min(sortedA[0], sortedB[0]);
        double sum = 0;
        double invN = 1.0 / n, invM = 1.0 / m;
        while (true)
        {
            while (i < n && sortedA[i] <= x)
            {
                i++;
            }

            while (j < m && sortedB[j] <= x)
            {
                j++;
            }

            double next;
            if (i < n && j < m)
            {
                next = Math.Min(sortedA[i], sortedB[j]);
            }
            else if (i < n)
            {
                next = sortedA[i];
            }
            else if (j < m)
            {
                next = sortedB[j];
            }
            else
            {
                break;
            }

            sum += Math.Abs((i * invN) - (j * invM)) * (next - x);
            x = next;
        }

        return sum;
    }

    /// <summary>Evidently's normalised distance: W₁(reference, current) / max(σ_ref, 0.001).</summary>
    public static double Normalised(ReadOnlySpan<double> sortedReference, ReadOnlySpan<double> sortedCurrent) =>
        Distance(sortedReference, sortedCurrent) / Math.Max(PopulationStdDev(sortedReference), 0.001);

    /// <summary>Population standard deviation (divisor n), as <c>numpy.std</c> by default.</summary>
    public static double PopulationStdDev(ReadOnlySpan<double> values)
    {
        double mean = 0;
        for (int k = 0; k < values.Length; k++)
        {
            mean += values[k];
        }

        mean /= values.Length;
        double ss = 0;
        for (int k = 0; k < values.Length; k++)
        {
            double d = values[k] - mean;
            ss += d * d;
        }

        return Math.Sqrt(ss / values.Length);
    }
}

using System.Collections.Concurrent;
using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Warden.Core.Statistics;

/// <summary>
/// Shapiro–Wilk W test for normality with Royston's coefficient and p-value approximations,
/// valid for 3 ≤ n ≤ 5000.
/// </summary>
/// <remarks>
/// Definitions: Shapiro, S. S. &amp; Wilk, M. B. (1965), "An analysis of variance test for normality
/// (complete samples)", Biometrika 52, 591–611: W = (Σ aᵢ x₍ᵢ₎)² / Σ (xᵢ − x̄)².
/// Coefficients aᵢ and the normalising transformation of W: Royston, P. (1992), Statistics and
/// Computing 2, 117–119, as published in Algorithm AS R94, Royston, P. (1995), Applied Statistics
/// 44(4), 547–551. For n = 3 the p-value is exact: p = (6/π)(asin √W − asin √¾).
/// MathNet.Numerics 5.0 has no normality tests, so this is written from the published algorithm
/// (uncensored case only).
/// </remarks>
public static class ShapiroWilkTest
{
    /// <summary>Smallest supported sample size.</summary>
    public const int MinimumSize = 3;

    /// <summary>Largest sample size for which Royston's approximation is published.</summary>
    public const int MaximumSize = 5000;

    private const int CacheCapacity = 64;

    // Royston (1995) polynomial coefficients, lowest order first.
    private static readonly double[] C1 = [0.0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056];
    private static readonly double[] C2 = [0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633];
    private static readonly double[] C3 = [0.544, -0.39978, 0.025054, -6.714e-4];
    private static readonly double[] C4 = [1.3822, -0.77857, 0.062767, -0.0020322];
    private static readonly double[] C5 = [-1.5861, -0.31082, -0.083751, 0.0038915];
    private static readonly double[] C6 = [-0.4803, -0.082676, 0.0030302];
    private static readonly double[] Gamma = [-2.273, 0.459];

    // Detectors re-test windows of the same few sizes on every request; the coefficients need n/2
    // inverse-normal evaluations, so a small bounded cache avoids recomputing them.
    private static readonly ConcurrentDictionary<int, double[]> CoefficientCache = new();

    /// <summary>Computes W and its p-value for <paramref name="sample"/> (order does not matter).</summary>
    /// <exception cref="ArgumentException">
    /// The size is outside [3, 5000], a value is not finite, or all values are (nearly) identical.
    /// </exception>
    public static ShapiroWilkResult Compute(ReadOnlySpan<double> sample)
    {
        int n = sample.Length;
        if (n < MinimumSize || n > MaximumSize)
        {
            throw new ArgumentException($"Shapiro–Wilk needs between {MinimumSize} and {MaximumSize} values; got {n}.", nameof(sample));
        }

        var x = sample.ToArray();
        foreach (var v in x)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException("Shapiro–Wilk values must be finite.", nameof(sample));
            }
        }

        Array.Sort(x);
        double range = x[n - 1] - x[0];
        if (range <= 1e-19 * Math.Max(1.0, Math.Abs(x[0])))
        {
            throw new ArgumentException("Shapiro–Wilk is undefined when all values are identical.", nameof(sample));
        }

        double w = ComputeW(x, range);
        return new ShapiroWilkResult(w, PValue(w, n), n);
    }

    /// <summary>
    /// Upper-half coefficients: element k is the weight of the (k+1)-th largest order statistic;
    /// the k-th smallest gets its negative and the median (odd n) gets 0. Σ over all n weights of aᵢ² is 1.
    /// </summary>
    internal static double[] Coefficients(int n)
    {
        if (CoefficientCache.TryGetValue(n, out var cached))
        {
            return cached;
        }

        var a = BuildCoefficients(n);
        if (CoefficientCache.Count < CacheCapacity)
        {
            CoefficientCache.TryAdd(n, a);
        }

        return a;
    }

    private static double[] BuildCoefficients(int n)
    {
        int half = n / 2;
        var a = new double[half];
        if (n == 3)
        {
            a[0] = Math.Sqrt(0.5);
            return a;
        }

        // Blom-type approximation of the expected normal order statistics mᵢ (Royston 1992, eq. 1).
        var m = new double[half];
        double sumSquares = 0;
        for (int i = 0; i < half; i++)
        {
            m[i] = -Normal.InvCDF(0, 1, (i + 1 - 0.375) / (n + 0.25));
            sumSquares += m[i] * m[i];
        }

        sumSquares *= 2;
        double norm = Math.Sqrt(sumSquares);
        double u = 1.0 / Math.Sqrt(n);
        double an = Polynomial(C1, u) + m[0] / norm;
        int first;
        double eps;
        if (n > 5)
        {
            double an1 = Polynomial(C2, u) + m[1] / norm;
            eps = (sumSquares - 2 * m[0] * m[0] - 2 * m[1] * m[1]) / (1 - 2 * an * an - 2 * an1 * an1);
            a[1] = an1;
            first = 2;
        }
        else
        {
            eps = (sumSquares - 2 * m[0] * m[0]) / (1 - 2 * an * an);
            first = 1;
        }

        a[0] = an;
        double scale = Math.Sqrt(eps);
        for (int i = first; i < half; i++)
        {
            a[i] = m[i] / scale;
        }

        return a;
    }

    // W as the squared correlation between the sorted data and the coefficients, computed as 1 − W
    // from (√(SaSx) − Sax)(√(SaSx) + Sax) / (SaSx) to keep precision when W is close to 1 (AS R94).
    private static double ComputeW(double[] x, double range)
    {
        int n = x.Length;
        var a = Coefficients(n);
        double meanX = 0;
        for (int i = 0; i < n; i++)
        {
            meanX += x[i] / range;
        }

        meanX /= n;
        double ssa = 0, ssx = 0, sax = 0;
        for (int i = 0; i < n; i++)
        {
            // Coefficients are antisymmetric, so their mean is 0.
            double ai = CoefficientAt(a, i, n);
            double xi = x[i] / range - meanX;
            ssa += ai * ai;
            ssx += xi * xi;
            sax += ai * xi;
        }

        double root = Math.Sqrt(ssa * ssx);
        double oneMinusW = (root - sax) * (root + sax) / (ssa * ssx);
        return Math.Clamp(1.0 - oneMinusW, 0.0, 1.0);
    }

    private static double CoefficientAt(double[] upper, int i, int n)
    {
        int mirror = n - 1 - i;
        if (i == mirror)
        {
            return 0;
        }

        return i < mirror ? -upper[i] : upper[mirror];
    }

    private static double PValue(double w, int n)
    {
        if (n == 3)
        {
            const double sixOverPi = 6.0 / Math.PI;
            double p = sixOverPi * (Math.Asin(Math.Sqrt(w)) - Math.Asin(Math.Sqrt(0.75)));
            return Math.Clamp(p, 0.0, 1.0);
        }

        double w1 = 1.0 - w;
        if (w1 <= 0)
        {
            return 1.0;
        }

        double y = Math.Log(w1);
        double mu, sigma;
        if (n <= 11)
        {
            double gamma = Polynomial(Gamma, n);
            if (y >= gamma)
            {
                // Beyond the support of Royston's small-sample transformation: W is extremely small.
                return 1e-99;
            }

            y = -Math.Log(gamma - y);
            mu = Polynomial(C3, n);
            sigma = Math.Exp(Polynomial(C4, n));
        }
        else
        {
            double ln = Math.Log(n);
            mu = Polynomial(C5, ln);
            sigma = Math.Exp(Polynomial(C6, ln));
        }

        // Upper normal tail through erfc keeps precision for p-values far below 1e-16.
        return 0.5 * SpecialFunctions.Erfc((y - mu) / (sigma * Constants.Sqrt2));
    }

    private static double Polynomial(double[] c, double x)
    {
        double result = 0;
        for (int i = c.Length - 1; i >= 0; i--)
        {
            result = result * x + c[i];
        }

        return result;
    }
}

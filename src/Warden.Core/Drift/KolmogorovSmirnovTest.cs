namespace Warden.Core.Drift;

/// <summary>
/// Two-sample, two-sided Kolmogorov–Smirnov test with the p-value choice of SciPy's <c>ks_2samp(method="auto")</c>:
/// exact when max(n, m) ≤ 10 000, asymptotic otherwise.
/// </summary>
/// <remarks>
/// Exact p-values: for n = m the closed alternating series of Gnedenko–Korolyuk evaluated in Horner form
/// (SciPy's <c>_compute_prob_outside_square</c>); otherwise Hodges' lattice-path "inside method"
/// (Hodges 1958, <i>Arkiv för Matematik</i> 3:469–486) in the 1 − p recursion of Viehmann (2021, arXiv:2102.08037),
/// as in SciPy's <c>_compute_outer_prob_inside_method</c>.
/// Asymptotic p-value: the limiting Kolmogorov distribution Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²λ²) at
/// λ = √(nm/(n+m))·D (Smirnov 1939; SciPy before 1.5). SciPy ≥ 1.5 instead evaluates the finite-sample
/// one-sample distribution <c>kstwo(round(nm/(n+m)))</c>; the two differ by O(1/√(nm/(n+m))).
/// </remarks>
public static class KolmogorovSmirnovTest
{
    /// <summary>Largest sample size for which the exact distribution is used (SciPy's <c>MAX_AUTO_N</c>).</summary>
    public const int ExactLimit = 10_000;

    /// <summary>Runs the test on two ascending-sorted samples without missing values.</summary>
    public static KolmogorovSmirnovResult Test(ReadOnlySpan<double> sortedReference, ReadOnlySpan<double> sortedCurrent)
    {
        int n = sortedReference.Length, m = sortedCurrent.Length;
        if (n == 0 || m == 0)
        {
            throw new ArgumentException("Both samples must be non-empty.");
        }

        long maxGap = MaxScaledGap(sortedReference, sortedCurrent);
        double d = maxGap / ((double)n * m);
        if (Math.Max(n, m) <= ExactLimit)
        {
            long g = Gcd(n, m);
            // |i·m − j·n| is always a multiple of gcd(n, m), so h = D·lcm(n, m) is this exact integer.
            long h = maxGap / g;
            double exact = ExactPValue(n, m, (int)g, h);
            if (!double.IsNaN(exact))
            {
                return new KolmogorovSmirnovResult(d, exact, true);
            }
        }

        return new KolmogorovSmirnovResult(d, AsymptoticPValue(d, n, m), false);
    }

    /// <summary>D = sup_x |F_a(x) − F_b(x)| for ascending-sorted samples, with ties consumed on both sides.</summary>
    public static double Statistic(ReadOnlySpan<double> sortedA, ReadOnlySpan<double> sortedB) =>
        MaxScaledGap(sortedA, sortedB) / ((double)sortedA.Length * sortedB.Length);

    /// <summary>Asymptotic two-sided p-value Q_KS(√(nm/(n+m))·D).</summary>
    public static double AsymptoticPValue(double d, int n, int m)
    {
        double en = (double)n * m / (n + m);
        return KolmogorovSurvival(Math.Sqrt(en) * d);
    }

    /// <summary>Exact two-sided p-value P(D_{n,m} ≥ d); d is rounded to the lattice h/lcm(n, m) like SciPy.</summary>
    public static double ExactPValue(double d, int n, int m)
    {
        int g = (int)Gcd(n, m);
        long lcm = (long)(n / g) * m;
        long h = (long)Math.Round(d * lcm, MidpointRounding.ToEven);
        return ExactPValue(n, m, g, h);
    }

    /// <summary>Survival function of the limiting Kolmogorov distribution, Q(λ) = P(K &gt; λ).</summary>
    public static double KolmogorovSurvival(double lambda)
    {
        if (lambda <= 0)
        {
            return 1.0;
        }

        if (lambda < 1.0)
        {
            // The alternating series converges slowly for small λ; the Jacobi-theta form converges fast there.
            double sum = 0;
            double c = -Math.PI * Math.PI / (8 * lambda * lambda);
            for (int k = 1; k < 100; k++)
            {
                int odd = (2 * k) - 1;
                double term = Math.Exp(c * odd * odd);
                sum += term;
                if (term < 1e-17 * sum)
                {
                    break;
                }
            }

            return Math.Clamp(1.0 - (Math.Sqrt(2 * Math.PI) / lambda * sum), 0.0, 1.0);
        }

        double s = 0;
        double sign = 1;
        for (int k = 1; k < 100; k++)
        {
            double term = Math.Exp(-2.0 * k * k * lambda * lambda);
            s += sign * term;
            sign = -sign;
            if (term < 1e-17)
            {
                break;
            }
        }

        return Math.Clamp(2 * s, 0.0, 1.0);
    }

    private static double ExactPValue(int n, int m, int g, long h)
    {
        if (h <= 0)
        {
            return 1.0;
        }

        double p = n == m ? ProbabilityOutsideSquare(n, (int)h) : ProbabilityOutsideInside(n, m, g, h);
        return p is >= 0 and <= 1 ? p : double.NaN;
    }

    /// <summary>P(D_{n,n} ≥ h/n) = 2 Σ_k (−1)^{k−1} C(2n, n−kh)/C(2n, n), evaluated as 2·A0(1 − A1(1 − A2(…))).</summary>
    private static double ProbabilityOutsideSquare(int n, int h)
    {
        double p = 0;
        for (int k = n / h; k >= 0; k--)
        {
            double ratio = 1.0;
            for (int j = 0; j < h; j++)
            {
                ratio = (n - (k * h) - j) * ratio / (n + (k * h) + j + 1);
            }

            p = ratio * (1.0 - p);
        }

        return 2 * p;
    }

    /// <summary>1 − (paths strictly inside |x/m − y/n| &lt; h/lcm) / C(m+n, n), one sliding column at a time.</summary>
    private static double ProbabilityOutsideInside(int n1, int n2, int g, long h)
    {
        long m = Math.Max(n1, n2), n = Math.Min(n1, n2);
        long mg = m / g, ng = n / g;
        long minj = 0;
        long maxj = Math.Min(CeilDiv(h, mg), n + 1);
        long curlen = maxj - minj;
        int lenA = (int)Math.Min((2 * maxj) + 2, n + 1);
        var a = new double[lenA];
        Array.Fill(a, 1.0);
        for (long j = minj; j < maxj; j++)
        {
            a[j] = 0.0;
        }

        for (long i = 1; i <= m; i++)
        {
            long lastminj = minj, lastlen = curlen;
            minj = Math.Max(FloorDiv((ng * i) - h, mg) + 1, 0);
            minj = Math.Min(minj, n);
            maxj = Math.Min(CeilDiv((ng * i) + h, mg), n + 1);
            if (maxj <= minj)
            {
                return 1.0;
            }

            double val = minj == 0 ? 0.0 : 1.0;
            for (long jj = 0; jj < maxj - minj; jj++)
            {
                long j = jj + minj;
                val = ((a[jj + minj - lastminj] * i) + (val * j)) / (i + j);
                a[jj] = val;
            }

            curlen = maxj - minj;
            if (lastlen > curlen)
            {
                for (long k = maxj - minj; k < maxj - minj + (lastlen - curlen) && k < a.Length; k++)
                {
                    a[k] = 1.0;
                }
            }
        }

        return a[maxj - minj - 1];
    }

    /// <summary>max over merge points of |i·m − j·n| where i, j count values ≤ x in each sample.</summary>
    private static long MaxScaledGap(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = a.Length, m = b.Length;
        int i = 0, j = 0;
        long best = 0;
        while (i < n && j < m)
        {
            double x = Math.Min(a[i], b[j]);
            while (i < n && a[i] <= x)
            {
                i++;
            }

            while (j < m && b[j] <= x)
            {
                j++;
            }

            long gap = Math.Abs(((long)i * m) - ((long)j * n));
            if (gap > best)
            {
                best = gap;
            }
        }

        return best;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);

    private static long FloorDiv(long a, long b)
    {
        long q = a / b;
        return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q;
    }
}

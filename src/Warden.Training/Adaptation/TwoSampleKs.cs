namespace Warden.Training.Adaptation;

/// <summary>
/// Two-sample Kolmogorov–Smirnov test of one feature: D = sup_x |F_source(x) − F_target(x)| over the empirical CDFs, with the
/// asymptotic p-value Q_KS((√nₑ + 0.12 + 0.11/√nₑ)·D), nₑ = n₁n₂/(n₁+n₂), Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}
/// (Stephens 1970; Press et al., <i>Numerical Recipes</i>, 3rd ed., §14.3.3). Only what shift detection needs here; the drift
/// library owns the full set of drift tests.
/// </summary>
/// <param name="Feature">Feature name.</param>
/// <param name="D">The KS statistic.</param>
/// <param name="PValue">Asymptotic p-value (conservative with many ties, as in discrete features).</param>
public sealed record TwoSampleKs(string Feature, double D, double PValue)
{
    /// <summary>Tests <paramref name="source"/> against <paramref name="target"/>.</summary>
    public static TwoSampleKs Test(string feature, IReadOnlyList<double> source, IReadOnlyList<double> target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (source.Count == 0 || target.Count == 0)
        {
            throw new ArgumentException("Both samples must be non-empty.");
        }

        var a = source.Order().ToArray();
        var b = target.Order().ToArray();
        int i = 0, j = 0;
        double d = 0;

        // Step through the pooled values; ties advance both samples together so D is measured between distinct values.
        while (i < a.Length && j < b.Length)
        {
            var x = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] == x)
            {
                i++;
            }

            while (j < b.Length && b[j] == x)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs((double)i / a.Length - (double)j / b.Length));
        }

        var ne = (double)a.Length * b.Length / (a.Length + b.Length);
        var sqrtNe = Math.Sqrt(ne);
        return new TwoSampleKs(feature, d, Qks((sqrtNe + 0.12 + 0.11 / sqrtNe) * d));
    }

    /// <summary>Kolmogorov's survival function Q_KS(λ), 1 for λ below 0.001 where the series does not converge.</summary>
    public static double Qks(double lambda)
    {
        if (lambda < 1e-3)
        {
            return 1;
        }

        double sum = 0, sign = 1, previous = 0;
        for (var k = 1; k <= 100; k++)
        {
            var term = sign * Math.Exp(-2 * k * k * lambda * lambda);
            sum += term;
            if (Math.Abs(term) <= 1e-10 * Math.Abs(sum) || Math.Abs(term) <= 1e-300 || Math.Abs(term) < 1e-12 * previous)
            {
                return Math.Clamp(2 * sum, 0, 1);
            }

            previous = Math.Abs(term);
            sign = -sign;
        }

        return 1;
    }
}

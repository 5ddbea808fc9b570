namespace Warden.Core.Review;

/// <summary>Chance-corrected agreement between reviewers.</summary>
public static class AgreementStatistics
{
    /// <summary>
    /// Cohen's kappa of two raters over the same items (Cohen 1960, "A coefficient of agreement for nominal scales",
    /// Educational and Psychological Measurement 20: 37–46): κ = (p_o − p_e) / (1 − p_e), p_o the observed agreement,
    /// p_e = Σ_k p_a(k)·p_b(k) from each rater's marginal label frequencies. Null when there are no items or p_e = 1
    /// (both raters always gave the same single label, so agreement beyond chance is undefined).
    /// </summary>
    public static double? CohenKappa(IReadOnlyList<(string A, string B)> pairs)
    {
        if (pairs.Count == 0)
        {
            return null;
        }

        var n = (double)pairs.Count;
        var observed = pairs.Count(p => p.A == p.B) / n;
        var labels = pairs.SelectMany(p => new[] { p.A, p.B }).Distinct(StringComparer.Ordinal);
        var expected = labels.Sum(k => (pairs.Count(p => p.A == k) / n) * (pairs.Count(p => p.B == k) / n));
        return expected >= 1 ? null : (observed - expected) / (1 - expected);
    }

    /// <summary>
    /// Fleiss' kappa (Fleiss 1971, "Measuring nominal scale agreement among many raters", Psychological Bulletin 76:
    /// 378–382) for items each rated by the same number n ≥ 2 of raters: P_i = (Σ_j n_ij² − n) / (n(n − 1)),
    /// P̄ = mean P_i, p_j = Σ_i n_ij / (N n), P̄_e = Σ_j p_j², κ = (P̄ − P̄_e) / (1 − P̄_e).
    /// Each item is the list of labels its raters gave. Null when there are no items or P̄_e = 1.
    /// </summary>
    /// <exception cref="ArgumentException">Items have different rater counts, or fewer than two.</exception>
    public static double? FleissKappa(IReadOnlyList<IReadOnlyList<string>> items)
    {
        if (items.Count == 0)
        {
            return null;
        }

        var raters = items[0].Count;
        if (raters < 2 || items.Any(i => i.Count != raters))
        {
            throw new ArgumentException("Fleiss' kappa needs the same number (at least two) of ratings per item.", nameof(items));
        }

        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        double sumP = 0;
        foreach (var item in items)
        {
            double squares = 0;
            foreach (var group in item.GroupBy(l => l, StringComparer.Ordinal))
            {
                var count = group.Count();
                squares += (double)count * count;
                totals[group.Key] = totals.GetValueOrDefault(group.Key) + count;
            }

            sumP += (squares - raters) / (raters * (raters - 1.0));
        }

        var meanP = sumP / items.Count;
        var all = (double)items.Count * raters;
        var expected = totals.Values.Sum(t => (t / all) * (t / all));
        return expected >= 1 ? null : (meanP - expected) / (1 - expected);
    }
}

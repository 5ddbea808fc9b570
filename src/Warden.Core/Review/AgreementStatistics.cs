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
    /// Fleiss' kappa for items rated by varying numbers of raters (Fleiss, Levin &amp; Paik 2003, "Statistical Methods for
    /// Rates and Proportions", 3rd ed., section 18.3; with equal counts it is Fleiss 1971): for item i with n_i ≥ 2 ratings,
    /// P_i = Σ_j n_ij(n_ij − 1) / (n_i(n_i − 1)); P̄ = mean P_i; p_j = Σ_i n_ij / Σ_i n_i; P̄_e = Σ_j p_j²;
    /// κ = (P̄ − P̄_e) / (1 − P̄_e). Each item is the list of labels its raters gave; items with fewer than two ratings
    /// carry no agreement and are left out. Null when no item has two ratings or P̄_e = 1.
    /// </summary>
    public static double? FleissKappa(IReadOnlyList<IReadOnlyList<string>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var rated = items.Where(i => i.Count >= 2).ToList();
        if (rated.Count == 0)
        {
            return null;
        }

        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        double sumP = 0;
        double ratings = 0;
        foreach (var item in rated)
        {
            double pairs = 0;
            foreach (var group in item.GroupBy(l => l, StringComparer.Ordinal))
            {
                var count = (double)group.Count();
                pairs += count * (count - 1);
                totals[group.Key] = totals.GetValueOrDefault(group.Key) + count;
            }

            sumP += pairs / (item.Count * (item.Count - 1.0));
            ratings += item.Count;
        }

        var meanP = sumP / rated.Count;
        var expected = totals.Values.Sum(t => (t / ratings) * (t / ratings));
        return expected >= 1 ? null : (meanP - expected) / (1 - expected);
    }

    /// <summary>
    /// Krippendorff's alpha for nominal labels (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", section
    /// on nominal data): every ordered pair of labels within an item adds 1/(m_u − 1) to the coincidence o_ck; n_c = Σ_k o_ck,
    /// n = Σ_c n_c; α = 1 − (n − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k. Items with fewer than two ratings are not pairable and
    /// left out. Null when nothing is pairable or every label is the same (no disagreement is expected).
    /// </summary>
    public static double? KrippendorffAlpha(IReadOnlyList<IReadOnlyList<string>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var coincidences = new Dictionary<(string, string), double>();
        foreach (var item in items.Where(i => i.Count >= 2))
        {
            var weight = 1.0 / (item.Count - 1);
            for (var a = 0; a < item.Count; a++)
            {
                for (var b = 0; b < item.Count; b++)
                {
                    if (a != b)
                    {
                        coincidences[(item[a], item[b])] = coincidences.GetValueOrDefault((item[a], item[b])) + weight;
                    }
                }
            }
        }

        var marginals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var ((c, _), o) in coincidences)
        {
            marginals[c] = marginals.GetValueOrDefault(c) + o;
        }

        var n = marginals.Values.Sum();
        var expected = marginals.Sum(c => marginals.Where(k => k.Key != c.Key).Sum(k => c.Value * k.Value));
        if (n == 0 || expected == 0)
        {
            return null;
        }

        var observed = coincidences.Where(o => o.Key.Item1 != o.Key.Item2).Sum(o => o.Value);
        return 1 - ((n - 1) * observed / expected);
    }
}

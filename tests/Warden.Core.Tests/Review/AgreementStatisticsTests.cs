using Warden.Core.Review;

namespace Warden.Core.Tests.Review;

public sealed class AgreementStatisticsTests
{
    [Fact]
    public void Cohen_kappa_matches_the_hand_computation_on_four_items()
    {
        // A = y y n n, B = y n n n. p_o = 3/4. Marginals: A(y) = 1/2, B(y) = 1/4, A(n) = 1/2, B(n) = 3/4.
        // p_e = 1/2·1/4 + 1/2·3/4 = 1/8 + 3/8 = 1/2. κ = (3/4 − 1/2) / (1 − 1/2) = 1/2.
        var kappa = AgreementStatistics.CohenKappa([("y", "y"), ("y", "n"), ("n", "n"), ("n", "n")]);
        Assert.Equal(0.5, kappa!.Value, 12);
    }

    [Fact]
    public void Cohen_kappa_is_negative_when_raters_always_disagree()
    {
        // p_o = 0; marginals 1/2 each: p_e = 1/4 + 1/4 = 1/2; κ = (0 − 1/2) / (1/2) = −1.
        Assert.Equal(-1, AgreementStatistics.CohenKappa([("y", "n"), ("n", "y")])!.Value, 12);
    }

    [Fact]
    public void Cohen_kappa_is_undefined_when_both_raters_use_one_label()
    {
        // p_e = 1·1 = 1: the denominator is zero.
        Assert.Null(AgreementStatistics.CohenKappa([("y", "y"), ("y", "y")]));
        Assert.Null(AgreementStatistics.CohenKappa([]));
    }

    [Fact]
    public void Fleiss_kappa_matches_the_hand_computation_on_three_items_and_three_raters()
    {
        // Items (counts of y, n): [3,0], [0,3], [2,1].
        // P_1 = (9 − 3)/6 = 1, P_2 = 1, P_3 = (4 + 1 − 3)/6 = 1/3; P̄ = (7/3)/3 = 7/9.
        // p_y = 5/9, p_n = 4/9; P̄_e = 25/81 + 16/81 = 41/81. κ = (63/81 − 41/81)/(40/81) = 22/40 = 0.55.
        IReadOnlyList<IReadOnlyList<string>> items = [["y", "y", "y"], ["n", "n", "n"], ["y", "y", "n"]];
        Assert.Equal(0.55, AgreementStatistics.FleissKappa(items)!.Value, 12);
    }

    [Fact]
    public void Fleiss_kappa_is_one_for_perfect_agreement_with_two_labels()
    {
        IReadOnlyList<IReadOnlyList<string>> items = [["y", "y"], ["n", "n"]];
        Assert.Equal(1, AgreementStatistics.FleissKappa(items)!.Value, 12);
    }

    [Fact]
    public void Fleiss_kappa_and_krippendorff_alpha_use_every_item_of_two_of_three_voting()
    {
        // 2-of-3 voting: a third vote only where the first two disagreed. Items (a, d): [a,a], [a,d,d], [d,d], [a,d,a].
        // Fleiss, varying raters: P_i = 2/2, 2/6, 2/2, 2/6 → P̄ = (8/3)/4 = 2/3; p_a = 5/10, p_d = 5/10 → P̄_e = 1/2;
        // κ = (2/3 − 1/2)/(1/2) = 1/3.
        // Krippendorff: coincidences o_aa = 2 + 1 = 3, o_dd = 1 + 2 = 3, o_ad = o_da = 1 + 1 = 2; n_a = n_d = 5, n = 10;
        // α = 1 − 9 · 4 / (5·5 + 5·5) = 0.28.
        IReadOnlyList<IReadOnlyList<string>> items = [["a", "a"], ["a", "d", "d"], ["d", "d"], ["a", "d", "a"]];
        Assert.Equal(1 / 3.0, AgreementStatistics.FleissKappa(items)!.Value, 12);
        Assert.Equal(0.28, AgreementStatistics.KrippendorffAlpha(items)!.Value, 12);
        Assert.Equal(ReferenceAlpha(items), AgreementStatistics.KrippendorffAlpha(items)!.Value, 12);
    }

    [Fact]
    public void Krippendorff_alpha_matches_an_independent_pairwise_computation_on_random_data()
    {
        var random = new Random(17);
        for (var trial = 0; trial < 20; trial++)
        {
            var items = Enumerable.Range(0, random.Next(2, 30))
                .Select(_ => (IReadOnlyList<string>)Enumerable.Range(0, random.Next(1, 5)).Select(_ => "abc"[random.Next(3)].ToString()).ToList())
                .ToList();
            var expected = ReferenceAlpha(items);
            var actual = AgreementStatistics.KrippendorffAlpha(items);
            if (double.IsNaN(expected))
            {
                Assert.Null(actual);
            }
            else
            {
                Assert.Equal(expected, actual!.Value, 10);
            }
        }
    }

    // Krippendorff's alpha as 1 − D_o/D_e, written from its definition with pair sums and no coincidence matrix:
    // D_o is the mean disagreement over pairs of values within a unit (each unit weighted 1/(m_u − 1) per value),
    // D_e the disagreement over all pairs of pairable values regardless of unit.
    private static double ReferenceAlpha(IReadOnlyList<IReadOnlyList<string>> items)
    {
        var units = items.Where(i => i.Count >= 2).ToList();
        var values = units.SelectMany(u => u).ToList();
        var n = values.Count;
        double within = 0;
        foreach (var unit in units)
        {
            var differing = unit.SelectMany((x, i) => unit.Where((y, j) => i != j && x != y)).Count();
            within += differing / (unit.Count - 1.0);
        }

        var between = values.SelectMany((x, i) => values.Where((y, j) => i != j && x != y)).Count();
        return between == 0 ? double.NaN : 1 - ((n - 1) * within / between);
    }
}

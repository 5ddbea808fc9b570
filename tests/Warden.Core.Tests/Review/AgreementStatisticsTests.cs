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
    public void Fleiss_kappa_refuses_items_with_different_rater_counts()
    {
        IReadOnlyList<IReadOnlyList<string>> items = [["y", "y"], ["n", "n", "y"]];
        Assert.Throws<ArgumentException>(() => AgreementStatistics.FleissKappa(items));
    }
}

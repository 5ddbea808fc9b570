using Warden.Core.Fairness;
using Warden.Training.Mitigation;

namespace Warden.Training.Tests.Mitigation;

public class AdversaryWeightSearchTests
{
    /// <summary>
    /// Group a: y = 1, 1, 0, 0 predicted 1, 0, 1, 0 → selection 2/4 = 0.5, TPR 1/2, FPR 1/2.
    /// Group b: y = 1, 1, 0, 0 predicted 1, 1, 0, 0 → selection 0.5, TPR 1, FPR 0.
    /// DP difference |0.5 − 0.5| = 0; EO difference max(|0.5 − 1|, |0.5 − 0|) = 0.5.
    /// </summary>
    [Fact]
    public void Disparity_is_fairlearns_demographic_parity_or_equalized_odds_difference_by_hand()
    {
        bool[] predicted = [true, false, true, false, true, true, false, false];
        byte[] y = [1, 1, 0, 0, 1, 1, 0, 0];
        string[] groups = ["a", "a", "a", "a", "b", "b", "b", "b"];

        Assert.Equal(0, AdversaryWeightSearch.Disparity(predicted, y, groups, FairnessConstraint.DemographicParity), 12);
        Assert.Equal(0.5, AdversaryWeightSearch.Disparity(predicted, y, groups, FairnessConstraint.EqualizedOdds), 12);
    }

    /// <summary>
    /// Group a: 3 rows, selection 1/3; group b: 1 row, selection 0 → DP difference 1/3.
    /// EO: y = 0 rows a (pred 1), b (pred 0) → FPR difference 1; y = 1 rows only in a → no TPR difference → 1.
    /// </summary>
    [Fact]
    public void Disparity_skips_a_label_that_only_one_group_has()
    {
        bool[] predicted = [false, false, true, false];
        byte[] y = [1, 1, 0, 0];
        string[] groups = ["a", "a", "a", "b"];

        Assert.Equal(1.0 / 3, AdversaryWeightSearch.Disparity(predicted, y, groups, FairnessConstraint.DemographicParity), 12);
        Assert.Equal(1.0, AdversaryWeightSearch.Disparity(predicted, y, groups, FairnessConstraint.EqualizedOdds), 12);
    }

    [Fact]
    public void Search_keeps_the_first_weight_that_reaches_the_target_and_otherwise_the_least_disparate_one()
    {
        var (x, y, a, groups) = Synthetic();
        var options = new AdversarialOptions { AlphaGrid = [0.1, 1, 10], Epochs = 1, MinimumSteps = 40, BatchSize = 50, Seed = 7 };

        // Every disparity is ≤ 1: the first weight is kept after one trial.
        var (easy, easyTrials) = AdversaryWeightSearch.Choose(x, y, a, groups, FairnessConstraint.DemographicParity, options with { Target = 1 });
        Assert.Equal(0.1, easy);
        Assert.Single(easyTrials);

        // No disparity is < 0: every weight is tried and the least disparate one is kept.
        var (hard, hardTrials) = AdversaryWeightSearch.Choose(x, y, a, groups, FairnessConstraint.DemographicParity, options with { Target = -1 });
        Assert.Equal(3, hardTrials.Count);
        Assert.Equal(hardTrials.MinBy(t => Math.Max(t.Disparity, t.InSample)).Alpha, hard);
        Assert.All(hardTrials, t => Assert.InRange(t.InSample, 0, 1));
        Assert.All(hardTrials, t => Assert.InRange(t.Accuracy, 0, 1));
    }

    /// <summary>(1, 2) then (3, 6) then (5, 1): the mean is (3, 3).</summary>
    [Fact]
    public void Averaged_tail_is_the_arithmetic_mean_of_the_iterates()
    {
        var average = new double[2];
        AdversarialDebiasing.Accumulate(average, [1, 2], 1);
        AdversarialDebiasing.Accumulate(average, [3, 6], 2);
        AdversarialDebiasing.Accumulate(average, [5, 1], 3);

        Assert.Equal(3, average[0], 12);
        Assert.Equal(3, average[1], 12);
    }

    /// <summary>Of 10 epochs, a tail of 0.5 averages epochs 5..9, 0.25 epochs 7..9 (⌊7.5⌋), 0 none, 1 all.</summary>
    [Theory]
    [InlineData(0.5, 5)]
    [InlineData(0.25, 7)]
    [InlineData(0.0, 10)]
    [InlineData(1.0, 0)]
    public void Averaged_tail_starts_at_the_share_of_the_last_epochs(double tail, int first)
    {
        Assert.Equal(first, AdversarialDebiasing.FirstAveragedEpoch(10, tail));
    }

    /// <summary>200 rows: one feature equal to the group plus noise, label = feature > 0.5 (so the group predicts the label).</summary>
    private static (float[][] X, byte[] Y, byte[] A, string[] Groups) Synthetic()
    {
        var random = new Random(3);
        var a = Enumerable.Range(0, 200).Select(i => (byte)(i % 2)).ToArray();
        var x = a.Select(v => new[] { (float)(v + (random.NextDouble() - 0.5)), (float)random.NextDouble() }).ToArray();
        var y = x.Select(r => (byte)(r[0] > 0.5 ? 1 : 0)).ToArray();
        return (x, y, a, a.Select(v => v == 1 ? "b" : "a").ToArray());
    }
}

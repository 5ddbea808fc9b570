using Warden.Core.Fairness;
using Warden.Training.Mitigation;

namespace Warden.Training.Tests.Mitigation;

public class AdversarialSelectionTests
{
    // Six rows by descending logit: y = 1, 1, 0, 1, 0, 0; a = 0, 1, 0, 1, 0, 1.
    private static readonly double[] Z = [3, 2, 1, -0.5, -2, -3];
    private static readonly byte[] Y = [1, 1, 0, 1, 0, 0];
    private static readonly byte[] A = [0, 1, 0, 1, 0, 1];

    /// <summary>
    /// z &gt; 0 predicts rows 0, 1, 2: correct rows 0, 1, 4, 5 → accuracy 4/6; selection a = 0: 2/3 (rows 0, 2), a = 1: 1/3 (row 1)
    /// → DP difference 1/3.
    /// </summary>
    [Fact]
    public void Rule_at_zero_is_scored_by_hand()
    {
        var point = DecisionThresholdScan.AtZero(Z, Y, A, FairnessConstraint.DemographicParity);

        Assert.Equal(0, point.Threshold);
        Assert.Equal(4.0 / 6, point.Accuracy, 12);
        Assert.Equal(1.0 / 3, point.Disparity, 12);
    }

    /// <summary>
    /// Top k rows predicted positive: k = 1: 4/6, DP 1/3; k = 2 (τ = 1.5): 5/6, DP |1/3 − 1/3| = 0; k = 3: 4/6, DP 1/3;
    /// k = 4 (τ = (−0.5 − 2)/2 = −1.25): 5/6, DP |2/3 − 2/3| = 0; k = 5: 4/6, DP 1/3. Target 0: k = 2 and k = 4 tie at 5/6 and
    /// the threshold nearer 0 (−1.25) wins. Equalized odds, k = 2: TPR 1 vs 1/2 → 0.5; k = 3: TPR 1 vs 1/2, FPR 1/2 vs 0 → 0.5;
    /// k = 4: TPR 1 vs 1, FPR 1/2 vs 0 → 0.5; k = 1 and 5: 1. Target 0.5: k = 2, 3, 4 qualify; 5/6 at τ 1.5 and −1.25 → −1.25.
    /// </summary>
    [Fact]
    public void Best_threshold_is_the_most_accurate_rule_within_the_target_and_the_nearer_to_zero_on_a_tie()
    {
        var dp = DecisionThresholdScan.Best(Z, Y, A, FairnessConstraint.DemographicParity, 0);
        Assert.Equal(-1.25, dp.Threshold, 12);
        Assert.Equal(5.0 / 6, dp.Accuracy, 12);
        Assert.Equal(0, dp.Disparity, 12);

        var eo = DecisionThresholdScan.Best(Z, Y, A, FairnessConstraint.EqualizedOdds, 0.5);
        Assert.Equal(-1.25, eo.Threshold, 12);
        Assert.Equal(5.0 / 6, eo.Accuracy, 12);
        Assert.Equal(0.5, eo.Disparity, 12);
    }

    /// <summary>Under equalized odds no non-constant rule reaches 0.4 (every one is 0.5 or 1): the least disparate, 0.5, at its best accuracy 5/6.</summary>
    [Fact]
    public void Best_threshold_falls_back_to_the_least_disparate_rule_when_none_reaches_the_target()
    {
        var point = DecisionThresholdScan.Best(Z, Y, A, FairnessConstraint.EqualizedOdds, 0.4);

        Assert.Equal(0.5, point.Disparity, 12);
        Assert.Equal(5.0 / 6, point.Accuracy, 12);
    }

    [Fact]
    public void Best_threshold_never_returns_a_constant_rule()
    {
        // Any parity target is met by predicting everyone alike; the scan must keep at least one row on each side.
        var point = DecisionThresholdScan.Best(Z, Y, A, FairnessConstraint.DemographicParity, -1);

        Assert.InRange(point.Threshold, Z.Min(), Z.Max());
        Assert.NotEqual(Z.Max(), point.Threshold);
        Assert.NotEqual(Z.Min(), point.Threshold);
    }

    /// <summary>
    /// The returned predictor is the trace's chosen epoch with its threshold folded into the bias: scored independently on the
    /// training rows, its accuracy and disparity are the trace's, and no epoch meeting the target was more accurate.
    /// </summary>
    [Theory]
    [InlineData(AdversarialSelection.Epoch, FairnessConstraint.DemographicParity)]
    [InlineData(AdversarialSelection.EpochAndThreshold, FairnessConstraint.DemographicParity)]
    [InlineData(AdversarialSelection.EpochAndThreshold, FairnessConstraint.EqualizedOdds)]
    public void Selected_iterate_is_the_most_accurate_epoch_within_the_target_on_the_training_rows(AdversarialSelection selection, FairnessConstraint constraint)
    {
        var (x, y, a) = Synthetic();
        var options = new AdversarialOptions { Epochs = 12, MinimumSteps = 0, BatchSize = 50, Alpha = 0.3, Seed = 5, Selection = selection, StoppingTarget = 0.1 };

        var (predictor, _, _, _, selected) = AdversarialDebiasing.Fit(x, y, a, constraint, options);

        Assert.NotNull(selected);
        Assert.Equal(12, selected.Trace.Count);
        var decided = x.Select(r => predictor.Decide(r)).ToArray();
        var accuracy = decided.Where((d, i) => d == (y[i] == 1)).Count() / (double)y.Length;
        var disparity = AdversaryWeightSearch.Disparity(decided, y, a.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(), constraint);
        Assert.Equal(selected.Trace[selected.Epoch].Accuracy, accuracy, 9);
        Assert.Equal(selected.Trace[selected.Epoch].Disparity, disparity, 9);
        var feasible = selected.Trace.Where(p => p.Disparity <= 0.1).ToList();
        if (feasible.Count > 0)
        {
            Assert.True(disparity <= 0.1, $"disparity {disparity} although epoch(s) met the target");
            Assert.All(feasible, p => Assert.True(p.Accuracy <= accuracy));
        }
        else
        {
            Assert.Equal(selected.Trace.Min(p => p.Disparity), disparity, 9);
        }

        if (selection == AdversarialSelection.EpochAndThreshold)
        {
            // Moving the threshold can always reach 0.1 on these rows; the groups' label rates differ by construction.
            Assert.NotEmpty(feasible);
        }
        if (selection == AdversarialSelection.Epoch)
        {
            Assert.All(selected.Trace, p => Assert.Equal(0, p.Threshold));
        }
    }

    [Fact]
    public void Default_returns_the_last_iterate_as_aif360()
    {
        var (x, y, a) = Synthetic();
        var options = new AdversarialOptions { Epochs = 3, MinimumSteps = 0, BatchSize = 50 };

        var (_, _, _, _, selected) = AdversarialDebiasing.Fit(x, y, a, FairnessConstraint.DemographicParity, options);

        Assert.Equal(AdversarialSelection.Last, new AdversarialOptions().Selection);
        Assert.Null(selected);
    }

    /// <summary>
    /// 300 rows: the label depends on x₀ + x₁ and the group shifts x₀, so an accurate rule selects the groups at different rates.
    /// </summary>
    private static (float[][] X, byte[] Y, byte[] A) Synthetic()
    {
        var random = new Random(11);
        var a = Enumerable.Range(0, 300).Select(i => (byte)(i % 2)).ToArray();
        var x = a.Select(v => new[] { (float)((0.6 * v) + random.NextDouble()), (float)random.NextDouble() }).ToArray();
        var y = x.Select(r => (byte)(r[0] + r[1] + (0.3 * (random.NextDouble() - 0.5)) > 1.2 ? 1 : 0)).ToArray();
        return (x, y, a);
    }
}

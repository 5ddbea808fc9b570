using Warden.Core.Drift;
using Warden.Training.Mitigation;

namespace Warden.Training.Tests.Mitigation;

public class MitigationEvaluatorTests
{
    /// <summary>
    /// Positives scored 0.9 and 0.3, negatives 0.9 and 0.1. Pairs (pos, neg): (0.9, 0.9) tie ½, (0.9, 0.1) 1, (0.3, 0.9) 0, (0.3, 0.1) 1
    /// → AUC = 2.5 / 4 = 0.625.
    /// </summary>
    [Fact]
    public void Auc_counts_ties_as_one_half()
    {
        Assert.Equal(0.625, ClassificationMetrics.RocAuc([0.9, 0.9, 0.3, 0.1], [true, false, true, false]), 12);
    }

    /// <summary>
    /// Group yes: rows (y=1, p=0.5), (y=0, p=0) → expected selection 0.25, accuracy (0.5 + 1)/2 = 0.75, TPR 0.5, FPR 0.
    /// Group no: rows (y=1, p=1), (y=0, p=1) → selection 1, accuracy 0.5, TPR 1, FPR 1.
    /// Overall accuracy (0.5 + 1 + 1 + 0)/4 = 0.625; DP difference 1 − 0.25 = 0.75; EO difference max(|1 − 0.5|, |1 − 0|) = 1.
    /// </summary>
    [Fact]
    public void Randomised_predictions_are_scored_by_their_exact_expectation()
    {
        var m = MitigationEvaluator.Evaluate([true, false, true, false], ["yes", "yes", "no", "no"], [0.5, 0, 1, 1], [0.5, 0, 1, 1]);

        Assert.Equal(0.625, m.Accuracy, 12);
        Assert.Equal(0.25, m.SelectionRate["afam=yes"]!.Value, 12);
        Assert.Equal(1.0, m.SelectionRate["afam=no"]!.Value, 12);
        Assert.Equal(0.5, m.TruePositiveRate["afam=yes"]!.Value, 12);
        Assert.Equal(0.75, m.DemographicParityDifference!.Value, 12);
        Assert.Equal(1.0, m.EqualizedOddsDifference!.Value, 12);
    }

    /// <summary>
    /// Selection 0.25 on 4 rows and 1.0 on 2 rows: pooled p̄ = (0.25·4 + 1·2)/6 = 0.5, SE = √(0.5·0.5·(1/4 + 1/2)) = √0.1875.
    /// A third group with a rate in between does not change the extreme pair.
    /// </summary>
    [Fact]
    public void Standard_error_of_a_difference_pools_the_extreme_groups_by_hand()
    {
        var rates = new Dictionary<string, double?> { ["a"] = 0.25, ["b"] = 1.0, ["c"] = 0.5 };
        var counts = new Dictionary<string, int> { ["a"] = 4, ["b"] = 2, ["c"] = 100 };

        Assert.Equal(Math.Sqrt(0.1875), MitigationEvaluator.DifferenceStandardError(rates, counts)!.Value, 12);
    }

    /// <summary>
    /// The rows of <see cref="Randomised_predictions_are_scored_by_their_exact_expectation"/>: 2 rows per group (1 positive, 1
    /// negative). DP: selections 0.25 and 1, p̄ 0.625, SE √(0.625·0.375·(1/2 + 1/2)) = √0.234375. EO: TPR 0.5 and 1 on one
    /// positive each, p̄ 0.75, SE √(0.75·0.25·2) = √0.375; FPR 0 and 1, p̄ 0.5, SE √(0.25·2) = √0.5; the larger is kept.
    /// </summary>
    [Fact]
    public void Metrics_carry_group_rows_and_the_standard_errors_of_both_differences()
    {
        var m = MitigationEvaluator.Evaluate([true, false, true, false], ["yes", "yes", "no", "no"], [0.5, 0, 1, 1], [0.5, 0, 1, 1]);

        Assert.Equal(2, m.GroupRows!["afam=yes"]);
        Assert.Equal(Math.Sqrt(0.234375), m.DemographicParityStandardError!.Value, 12);
        Assert.Equal(Math.Sqrt(0.5), m.EqualizedOddsStandardError!.Value, 12);
    }
}

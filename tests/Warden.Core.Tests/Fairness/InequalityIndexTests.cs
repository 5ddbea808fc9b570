using Warden.Core.Fairness;

namespace Warden.Core.Tests.Fairness;

public class InequalityIndexTests
{
    // rows (y,p): (1,1),(0,1),(1,0),(0,0) -> benefits b = 1, 2, 0, 1; μ = 1
    private static readonly ConfusionCounts Four = new(TrueNegative: 1, FalsePositive: 1, FalseNegative: 1, TruePositive: 1);

    [Fact]
    public void Generalized_entropy_with_alpha_two_matches_hand_computation()
    {
        // 1/(n·α(α−1)) Σ (b² − 1) = 1/8 · (0 + 3 − 1 + 0) = 0.25
        Assert.Equal(0.25, InequalityIndex.GeneralizedEntropy(Four, 2)!.Value, 1e-12);
    }

    [Fact]
    public void Theil_index_treats_zero_benefit_as_zero_contribution()
    {
        // 1/n Σ b ln b = 1/4 · 2 ln 2
        Assert.Equal(Math.Log(2) / 2, InequalityIndex.Theil(Four)!.Value, 1e-12);
    }

    [Fact]
    public void Alpha_zero_is_undefined_with_false_negatives_and_defined_without()
    {
        Assert.Null(InequalityIndex.GeneralizedEntropy(Four, 0));
        // b = 1, 2; μ = 1.5: −½ (ln(2/3) + ln(4/3)) = −½ ln(8/9)
        var noFn = new ConfusionCounts(0, 1, 0, 1);
        Assert.Equal(-0.5 * Math.Log(8.0 / 9), InequalityIndex.GeneralizedEntropy(noFn, 0)!.Value, 1e-12);
    }

    [Fact]
    public void Perfect_predictions_have_zero_inequality()
    {
        var perfect = new ConfusionCounts(5, 0, 0, 3);
        Assert.Equal(0.0, InequalityIndex.Theil(perfect)!.Value, 1e-15);
        Assert.Equal(0.0, InequalityIndex.GeneralizedEntropy(perfect, 2)!.Value, 1e-15);
    }

    [Fact]
    public void Report_carries_theil_and_generalized_entropy_of_all_rows()
    {
        var data = TinyData.Make(["A", "A", "B", "B"], [1, 0, 1, 0], [1, 1, 0, 0]);
        var report = FairnessAnalyzer.Analyze(data, TinyData.Options());
        Assert.Equal(Math.Log(2) / 2, report.Inequality.Single(d => d.Name == "theil_index").Value!.Value, 1e-12);
        Assert.Equal(0.25, report.Inequality.Single(d => d.Name == "generalized_entropy_index_alpha_2").Value!.Value, 1e-12);
    }
}

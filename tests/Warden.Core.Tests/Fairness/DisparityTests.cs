using Warden.Core.Fairness;

namespace Warden.Core.Tests.Fairness;

public class DisparityTests
{
    private const double Tol = 1e-12;

    private static double V(FairnessSection s, string name) => s.Find(name)!.Value!.Value;

    [Fact]
    public void Fairlearn_disparities_over_three_groups_match_hand_computation()
    {
        var s = FairnessAnalyzer.Analyze(TinyData.ThreeGroups(), TinyData.Options()).Sections[0];
        // selection: A 0.6, B 0.5, C 0.5
        Assert.Equal(0.1, V(s, "demographic_parity_difference"), Tol);
        Assert.Equal(0.5 / 0.6, V(s, "demographic_parity_ratio"), Tol);
        // TPR: A 2/3, B 1, C undefined (skipped); FPR: A 1/2, B 1/3, C 1/2
        Assert.Equal(1.0 / 3, V(s, "true_positive_rate_difference_between_groups"), Tol);
        Assert.Equal(1.0 / 6, V(s, "false_positive_rate_difference_between_groups"), Tol);
        Assert.Equal(1.0 / 3, V(s, "equalized_odds_difference"), Tol);          // max(1/3, 1/6)
        Assert.Equal(2.0 / 3, V(s, "equalized_odds_ratio"), Tol);               // min(2/3, (1/3)/(1/2))
        // overall: TP=3 FN=1 FP=3 TN=4, N=11, selection 6/11
        Assert.Equal(0.6 - (6.0 / 11), V(s, "selection_rate_difference_to_overall"), Tol);
        Assert.Equal(10.0 / 11, V(s, "selection_rate_ratio_to_overall"), Tol); // A: 0.6/(6/11)=1.1 -> 1/1.1
    }

    [Fact]
    public void Aif360_disparities_compare_unprivileged_rows_with_privileged_group()
    {
        var s = FairnessAnalyzer.Analyze(TinyData.ThreeGroups(),
            TinyData.Options(privileged: new Dictionary<string, string> { ["g"] = "A" })).Sections[0];
        Assert.Equal("g=A", s.PrivilegedGroup);
        // unprivileged = B ∪ C: TP=1, FN=0, FP=2, TN=3 (N=6); privileged A: TP=2, FN=1, FP=1, TN=1
        Assert.Equal(0.5 - 0.6, V(s, "statistical_parity_difference"), Tol);
        Assert.Equal(0.5 / 0.6, V(s, "disparate_impact"), Tol);
        Assert.Equal(1 - (2.0 / 3), V(s, "equal_opportunity_difference"), Tol);
        Assert.Equal(0.5 * ((0.4 - 0.5) + (1 - (2.0 / 3))), V(s, "average_odds_difference"), Tol); // FPR_u = 2/5
        Assert.Equal((2.0 / 3) - (1.0 / 3), V(s, "false_discovery_rate_difference"), Tol);
    }

    [Fact]
    public void Groups_below_minimum_size_are_flagged_and_excluded_from_disparities()
    {
        var s = FairnessAnalyzer.Analyze(TinyData.ThreeGroups(),
            TinyData.Options(minGroupSize: 3, privileged: new Dictionary<string, string> { ["g"] = "A" })).Sections[0];
        Assert.Equal(["g=C"], s.ExcludedGroups);
        Assert.True(s.Groups.Single(g => g.Key == "g=C").TooSmall);
        Assert.Equal(1.0 / 6, V(s, "false_positive_rate_difference_between_groups"), Tol); // A 1/2 vs B 1/3
        // unprivileged = B only: FPR 1/3, TPR 1 -> ½[(1/3 − 1/2) + (1 − 2/3)] = 1/12
        Assert.Equal(1.0 / 12, V(s, "average_odds_difference"), Tol);
        Assert.Equal((1.0 / 3) / (1.0 / 2), V(s, "false_positive_rate_ratio_between_groups"), Tol);
    }

    [Fact]
    public void Disparities_are_undefined_with_a_single_group()
    {
        var data = TinyData.Make(["A", "A", "A"], [1, 0, 1], [1, 1, 0]);
        var s = FairnessAnalyzer.Analyze(data, TinyData.Options()).Sections[0];
        Assert.All(s.Disparities, d => Assert.Null(d.Value));
    }

    [Fact]
    public void Aif360_disparities_are_undefined_when_privileged_group_is_too_small()
    {
        var s = FairnessAnalyzer.Analyze(TinyData.ThreeGroups(),
            TinyData.Options(minGroupSize: 3, privileged: new Dictionary<string, string> { ["g"] = "C" })).Sections[0];
        Assert.Null(s.Find("disparate_impact")!.Value);
        Assert.Null(s.Find("statistical_parity_difference")!.Value);
    }

    [Fact]
    public void Disparate_impact_is_undefined_when_privileged_selection_rate_is_zero()
    {
        var data = TinyData.Make(["P", "P", "U", "U"], [1, 0, 1, 0], [0, 0, 1, 0]);
        var s = FairnessAnalyzer.Analyze(data, TinyData.Options(privileged: new Dictionary<string, string> { ["g"] = "P" })).Sections[0];
        Assert.Null(s.Find("disparate_impact")!.Value);
        Assert.Equal(0.5, V(s, "statistical_parity_difference"), Tol);
    }

    [Fact]
    public void Ratio_between_groups_is_undefined_when_every_group_rate_is_zero()
    {
        var data = TinyData.Make(["A", "A", "B", "B"], [1, 0, 1, 0], [0, 0, 0, 0]);
        var s = FairnessAnalyzer.Analyze(data, TinyData.Options()).Sections[0];
        Assert.Equal(0.0, V(s, "demographic_parity_difference"));
        Assert.Null(s.Find("demographic_parity_ratio")!.Value);
    }

    [Fact]
    public void Weighted_disparities_use_weighted_rates()
    {
        // A: (y,p,w) (1,1,3),(0,0,1) -> selection 3/4; B: (1,0,1),(0,1,1) -> selection 1/2
        var data = TinyData.Make(["A", "A", "B", "B"], [1, 0, 1, 0], [1, 0, 0, 1], [3, 1, 1, 1]);
        var s = FairnessAnalyzer.Analyze(data, TinyData.Options()).Sections[0];
        Assert.Equal(0.25, V(s, "demographic_parity_difference"), Tol);
        Assert.Equal(0.5 / 0.75, V(s, "demographic_parity_ratio"), Tol);
    }

    [Fact]
    public void Intersection_privileged_group_combines_privileged_values()
    {
        var data = FairnessDataset.Create([1, 0, 1, 0, 1, 1], [1, 0, 0, 0, 1, 1],
            [new("f1", ["A", "A", "B", "B", "A", "B"]), new("f2", ["x", "x", "x", "y", "y", "y"])]);
        var report = FairnessAnalyzer.Analyze(data, TinyData.Options(privileged: new Dictionary<string, string> { ["f1"] = "A", ["f2"] = "x" }));
        var inter = report.Section("f1 & f2")!;
        Assert.Equal("f1=A & f2=x", inter.PrivilegedGroup);
        // privileged rows 0,1: selection 1/2; unprivileged rows 2..5: selection 2/4
        Assert.Equal(1.0, V(inter, "disparate_impact"), Tol);
    }
}

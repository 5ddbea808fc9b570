using Warden.Core.Fairness;

namespace Warden.Core.Tests.Fairness;

public class MitigationTests
{
    [Fact]
    public void Reweighing_factors_match_kamiran_calders_formula()
    {
        // A: y = 1,1,0; B: y = 1,0,0,0; n = 7. P(A)=3/7, P(B)=4/7, P(y=1)=3/7, P(y=0)=4/7
        var data = TinyData.Make(["A", "A", "A", "B", "B", "B", "B"], [1, 1, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]);
        var r = Reweighing.Fit(data);
        double F(string g, int y) => r.Factors.Single(f => f.Group == "g=" + g && f.Label == y).Factor!.Value;
        Assert.Equal(9.0 / 14, F("A", 1), 12);   // (3/7)(3/7)/(2/7)
        Assert.Equal(12.0 / 7, F("A", 0), 12);   // (3/7)(4/7)/(1/7)
        Assert.Equal(12.0 / 7, F("B", 1), 12);   // (4/7)(3/7)/(1/7)
        Assert.Equal(16.0 / 21, F("B", 0), 12);  // (4/7)(4/7)/(3/7)
        Assert.Equal(9.0 / 14, r.Weights[0], 12);
        Assert.Equal(16.0 / 21, r.Weights[6], 12);
    }

    [Fact]
    public void Reweighed_data_have_equal_base_rates_across_groups()
    {
        var hmda = SampleData.Hmda();
        var weights = Reweighing.Fit(hmda).Weights;
        var reweighed = FairnessDataset.Create(hmda.Labels.ToArray(), hmda.Predictions.ToArray(),
            hmda.SensitiveFeatures.Select(f => new KeyValuePair<string, string[]>(f.Name, Enumerable.Range(0, hmda.RowCount).Select(f.ValueAt).ToArray())),
            null, weights);
        var report = FairnessAnalyzer.Analyze(reweighed, new FairnessOptions { BootstrapResamples = 0 });
        var overall = report.Overall.BaseRate.Value!.Value;
        Assert.Equal(hmda.RowCount, report.Overall.Weight, 9);  // total weight is preserved
        foreach (var g in report.Sections.SelectMany(s => s.Groups))
        {
            Assert.Equal(overall, g.BaseRate.Value!.Value, 12);
        }
    }

    [Fact]
    public void Group_balanced_resampling_is_seeded_and_balances_groups()
    {
        var data = SampleData.Arrests();
        var a = GroupBalancedResampler.Resample(data, BalanceMode.EqualGroups, seed: 5);
        var b = GroupBalancedResampler.Resample(data, BalanceMode.EqualGroups, seed: 5);
        var c = GroupBalancedResampler.Resample(data, BalanceMode.EqualGroups, seed: 6);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        var colour = data.SensitiveFeatures[0];
        var sex = data.SensitiveFeatures[1];
        var counts = a.GroupBy(i => colour.ValueAt(i) + "/" + sex.ValueAt(i)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, counts.Count);
        Assert.All(counts.Values, v => Assert.Equal(3567, v)); // largest group: White/Male
    }

    [Fact]
    public void Uniform_sampling_makes_label_independent_of_group()
    {
        // A: 3 rows (2 positive); B: 4 rows (1 positive); P(y=1) = 3/7
        var data = TinyData.Make(["A", "A", "A", "B", "B", "B", "B"], [1, 1, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]);
        var rows = GroupBalancedResampler.Resample(data, BalanceMode.GroupAndLabel, seed: 1);
        int Count(string g, int y) => rows.Count(i => data.SensitiveFeatures[0].ValueAt(i) == g && data.Labels[i] == y);
        Assert.Equal(1, Count("A", 1));  // round(3·3/7) = round(1.29)
        Assert.Equal(2, Count("A", 0));  // round(3·4/7) = round(1.71)
        Assert.Equal(2, Count("B", 1));  // round(4·3/7) = round(1.71)
        Assert.Equal(2, Count("B", 0));  // round(4·4/7) = round(2.29)
    }

    [Fact]
    public void Demographic_parity_thresholds_match_hand_solution()
    {
        // A (6 rows) separable: scores .9 .8 .7 positive, .3 .2 .1 negative. Hull in (selection, accuracy): (0,.5) (.5,1) (1,.5).
        // B (4 rows) separable: .7 positive, .6 .4 .1 negative. Hull: (0,.75) (.25,1) (1,.25).
        // Objective .6·acc_A(x) + .4·acc_B(x) = .6 + x (x ≤ .25), .8 + .2x (.25 ≤ x ≤ .5), 1.4 − x (x ≥ .5): best x = .5, value .9.
        var scores = new[] { 0.9, 0.8, 0.7, 0.3, 0.2, 0.1, 0.7, 0.6, 0.4, 0.1 };
        var labels = new byte[] { 1, 1, 1, 0, 0, 0, 1, 0, 0, 0 };
        var groups = new[] { "A", "A", "A", "A", "A", "A", "B", "B", "B", "B" };
        var data = FairnessDataset.FromScores(labels, scores, 0.65, [new("g", groups)]);
        var result = ThresholdOptimizer.Fit(data, FairnessConstraint.DemographicParity);
        var a = result.Thresholds.Rules["g=A"];
        var b = result.Thresholds.Rules["g=B"];
        // A: "score > 0.3" with certainty; B: mix "score > 0.6" (p0 = (1 − .5)/(1 − .25) = 2/3) with "select all".
        Assert.Equal(1.0, a.Probability(0.7));
        Assert.Equal(0.0, a.Probability(0.3));
        Assert.Equal(0.6, b.Threshold0);
        Assert.Equal(double.NegativeInfinity, b.Threshold1);
        Assert.Equal(2.0 / 3, b.P0, 12);
        Assert.Equal(1.0 / 3, b.Probability(0.4), 12);
        Assert.Equal(0.9, result.After.Accuracy!.Value, 12);
        Assert.Equal(0.0, result.After.DemographicParityDifference!.Value, 12);
        // before (score ≥ 0.65): A selects 3/6, B selects 1/4, both perfectly accurate
        Assert.Equal(1.0, result.Before.Accuracy!.Value, 12);
        Assert.Equal(0.25, result.Before.DemographicParityDifference!.Value, 12);
    }

    [Fact]
    public void Equalized_odds_thresholds_match_hand_solution()
    {
        // A separable (3 pos, 3 neg): hull (0,0) (0,1) (1,1). B: .7+, .6−, .5+, .4+, .1−: hull (0,0) (0,1/3) (.5,1) (1,1).
        // Common TPR(x) = 1/3 + 4x/3 for x ≤ .5; objective 6/11·TPR + 5/11·(1 − x) peaks at x = .5 with TPR 1.
        var scores = new[] { 0.9, 0.8, 0.7, 0.3, 0.2, 0.1, 0.7, 0.6, 0.5, 0.4, 0.1 };
        var labels = new byte[] { 1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0 };
        var groups = new[] { "A", "A", "A", "A", "A", "A", "B", "B", "B", "B", "B" };
        var data = FairnessDataset.FromScores(labels, scores, 0.5, [new("g", groups)]);
        var result = ThresholdOptimizer.Fit(data, FairnessConstraint.EqualizedOdds);
        var a = result.Thresholds.Rules["g=A"];
        var b = result.Thresholds.Rules["g=B"];
        Assert.Equal(1.0, a.Probability(0.7));
        Assert.Equal(0.5, a.Probability(0.2), 12);   // FPR .5 by mixing "> 0.3" and "select all" half-half
        Assert.Equal(1.0, b.Probability(0.4));
        Assert.Equal(0.0, b.Probability(0.1));       // "> 0.1"
        Assert.Equal(8.5 / 11, result.After.Accuracy!.Value, 12);
        Assert.Equal(0.0, result.After.EqualizedOddsDifference!.Value, 12);
    }

    [Theory]
    [InlineData(FairnessConstraint.DemographicParity)]
    [InlineData(FairnessConstraint.EqualizedOdds)]
    public void Arrests_post_processing_removes_the_constrained_disparity(FairnessConstraint constraint)
    {
        var result = ThresholdOptimizer.Fit(SampleData.Arrests(), constraint);
        if (constraint == FairnessConstraint.DemographicParity)
        {
            Assert.True(result.Before.DemographicParityDifference > 0.1);
            Assert.Equal(0.0, result.After.DemographicParityDifference!.Value, 9);
        }
        else
        {
            Assert.True(result.Before.EqualizedOddsDifference > 0.1);
            Assert.Equal(0.0, result.After.EqualizedOddsDifference!.Value, 9);
        }

        // Optimal constrained accuracy is at least that of the trivial rule "predict the majority label for everybody".
        Assert.True(result.After.Accuracy >= 4334.0 / 5226 - 1e-9);
    }

    [Fact]
    public void Group_thresholds_round_trip_json_and_sampled_decisions_follow_probabilities()
    {
        var data = SampleData.Arrests();
        var thresholds = ThresholdOptimizer.Fit(data, FairnessConstraint.EqualizedOdds).Thresholds;
        var back = GroupThresholds.FromJson(thresholds.ToJson());
        Assert.Equal(thresholds.ToJson(), back.ToJson());
        var key = back.KeyFor(new Dictionary<string, string> { ["colour"] = "Black", ["sex"] = "Male" });
        Assert.Equal("colour=Black & sex=Male", key);
        // A rule that mixes two thresholds: P(ŷ=1 | s=0.4) = 0.25·1(0.4 > 0.3) + 0.75·1(0.4 > 0.6) = 0.25
        var mixed = back with { Rules = new Dictionary<string, GroupDecisionRule> { [key] = new(0.3, 0.6, 0.25) } };
        var random = new Random(11);
        Assert.Equal(0.25, mixed.Probability(0.4, key));
        var hits = Enumerable.Range(0, 20000).Count(_ => mixed.Apply(0.4, key, random));
        Assert.InRange(hits / 20000.0, 0.23, 0.27);
        Assert.False(mixed.Apply(0.2, key, random));
        Assert.Throws<ArgumentException>(() => back.Probability(0.5, "colour=Green & sex=Male"));
    }
}

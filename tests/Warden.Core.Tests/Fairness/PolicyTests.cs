using Warden.Core.Fairness;

namespace Warden.Core.Tests.Fairness;

public class PolicyTests
{
    private static FairnessPolicy Policy(params FairnessRule[] rules) => new()
    {
        Rules = rules,
        Privileged = new Dictionary<string, string> { ["afam"] = "no" },
        MinGroupSize = 30,
        BootstrapResamples = 100,
    };

    private static FairnessReport HmdaReport(FairnessPolicy policy) => FairnessAnalyzer.Analyze(SampleData.Hmda(), policy.ToOptions());

    [Fact]
    public void Disparate_impact_below_four_fifths_fails_with_the_failing_metric()
    {
        // fixture: afam disparate impact 0.7249 on HMDA
        var policy = Policy(new FairnessRule { Metric = "disparate_impact", Min = 0.8, Section = "afam" },
            new FairnessRule { Metric = "equalized_odds_difference", Max = 0.2, Section = "afam" });
        var result = FairnessPolicyEvaluator.Evaluate(policy, HmdaReport(policy));
        Assert.False(result.Passed);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("disparate_impact", failure.Metric);
        Assert.Equal("afam", failure.Section);
        Assert.Equal(0.7249, failure.Value!.Value, 3);
        Assert.Contains("< min 0.8", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_passes_when_every_threshold_holds()
    {
        var policy = Policy(new FairnessRule { Metric = "disparate_impact", Min = 0.7, Section = "afam" },
            new FairnessRule { Metric = "demographic_parity_difference", Max = 0.3 });
        var result = FairnessPolicyEvaluator.Evaluate(policy, HmdaReport(policy));
        Assert.True(result.Passed, string.Join("; ", result.Failures.Select(f => f.Reason)));
        Assert.Equal(4, result.Checks.Count); // DI on afam + DP on afam, single, afam & single
    }

    [Fact]
    public void Interval_rule_judges_the_pessimistic_bound()
    {
        // point estimate 0.7249 passes min 0.7, but the lower bootstrap bound is lower still
        var pointRule = new FairnessRule { Metric = "disparate_impact", Min = 0.7, Section = "afam" };
        var policy = Policy(pointRule with { UseInterval = true });
        var report = HmdaReport(policy);
        var lower = report.Section("afam")!.Find("disparate_impact")!.Lower!.Value;
        Assert.True(lower < 0.7);
        Assert.False(FairnessPolicyEvaluator.Evaluate(policy, report).Passed);
        Assert.True(FairnessPolicyEvaluator.Evaluate(Policy(pointRule), report).Passed);
    }

    [Fact]
    public void Missing_metric_and_undefined_values_fail_by_default()
    {
        var policy = Policy(new FairnessRule { Metric = "disparate_impact", Min = 0.8, Section = "single" });
        var result = FairnessPolicyEvaluator.Evaluate(policy, HmdaReport(policy));
        Assert.False(result.Passed);
        Assert.Contains("not in report", result.Failures[0].Reason, StringComparison.Ordinal);

        var single = TinyData.Make(["A", "A"], [1, 0], [1, 0]);
        var dp = new FairnessPolicy { Rules = [new FairnessRule { Metric = "demographic_parity_difference", Max = 0.1 }], MinGroupSize = 1 };
        var report = FairnessAnalyzer.Analyze(single, dp.ToOptions());
        Assert.False(FairnessPolicyEvaluator.Evaluate(dp, report).Passed);
        Assert.True(FairnessPolicyEvaluator.Evaluate(dp with { FailOnUndefined = false }, report).Passed);
    }

    [Fact]
    public void Report_with_smaller_minimum_group_size_than_policy_fails()
    {
        var policy = Policy(new FairnessRule { Metric = "demographic_parity_difference", Max = 1 });
        var report = FairnessAnalyzer.Analyze(SampleData.Hmda(), policy.ToOptions() with { MinGroupSize = 5 });
        var result = FairnessPolicyEvaluator.Evaluate(policy, report);
        Assert.Equal("min_group_size", Assert.Single(result.Failures).Metric);
    }

    [Fact]
    public void Policy_round_trips_through_json()
    {
        var policy = Policy(new FairnessRule { Metric = "disparate_impact", Min = 0.8, UseInterval = true });
        var back = FairnessPolicy.FromJson(policy.ToJson());
        Assert.Equal(policy.ToJson(), back.ToJson());
        Assert.Contains("\"useInterval\": true", policy.ToJson(), StringComparison.Ordinal);
    }
}

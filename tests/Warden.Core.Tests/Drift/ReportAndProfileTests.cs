using Microsoft.Extensions.Time.Testing;
using Warden.Core.Drift;

namespace Warden.Core.Tests.Drift;

public class ReportAndProfileTests
{
    private static ColumnSet Synthetic(int rows, double shift, int seed)
    {
        var random = new Random(seed);
        var x = new double[rows];
        var colour = new string?[rows];
        var score = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            x[r] = random.NextDouble() + shift;
            colour[r] = random.NextDouble() < 0.5 + (shift / 2) ? "red" : "blue";
            score[r] = Math.Clamp(random.NextDouble() + (shift / 2), 0, 1);
        }

        x[0] = double.NaN;
        colour[1] = null;
        return new ColumnSet().Add("x", x).Add("colour", colour).Add("score", score);
    }

    [Fact]
    public void Profile_sample_is_capped_seeded_and_survives_json()
    {
        var data = Synthetic(12_000, 0, 1);
        var a = ReferenceProfile.Build(data, sampleSize: 5_000, seed: 3);
        var b = ReferenceProfile.Build(data, sampleSize: 5_000, seed: 3);
        var x = a.Find("x")!;
        Assert.Equal(12_000, a.RowCount);
        Assert.Equal(11_999, x.Count);
        Assert.Equal(1, x.Missing);
        Assert.InRange(x.SampleCount, 4_999, 5_000);
        Assert.Equal(x.NumericSample, b.Find("x")!.NumericSample);
        Assert.NotEqual(x.NumericSample, ReferenceProfile.Build(data, 5_000, seed: 4).Find("x")!.NumericSample);
        Assert.Equal(new[] { "blue", "red" }, a.Find("colour")!.Categories!.AsEnumerable());

        var back = ReferenceProfile.FromJson(a.ToJson());
        Assert.Equal(x.NumericSample, back.Find("x")!.NumericSample);
        Assert.Equal(a.Find("colour")!.CategorySample, back.Find("colour")!.CategorySample);
        Assert.Equal(FeatureKind.Categorical, back.Find("colour")!.Kind);
        Assert.Contains("\"schemaVersion\": 1", a.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Profile_json_with_unknown_schema_version_is_rejected() =>
        Assert.Throws<FormatException>(() => ReferenceProfile.FromJson("{\"schemaVersion\": 99, \"features\": []}"));

    [Fact]
    public void Csv_columns_are_typed_by_content()
    {
        var set = ColumnSet.FromCsv(new StringReader("a,b,c\n1,\"x, y\",NA\n2.5,\"say \"\"hi\"\"\",3\n"));
        Assert.Equal(FeatureKind.Numerical, set.Find("a")!.Kind);
        Assert.Equal(FeatureKind.Categorical, set.Find("b")!.Kind);
        Assert.Equal(new string?[] { "x, y", "say \"hi\"" }, set.Find("b")!.Labels!.AsEnumerable());
        Assert.True(double.IsNaN(set.Find("c")!.Numbers![0]));
        Assert.Equal(FeatureKind.Categorical, ColumnSet.FromCsv(new StringReader("a\n1\n2\n"), ["a"]).Find("a")!.Kind);
    }

    [Fact]
    public void Shifted_data_drifts_and_the_report_renders_everywhere()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var profile = ReferenceProfile.Build(Synthetic(3_000, 0, 1));
        var options = new DriftOptions { ComputePsi = true, PredictionColumn = "score" };
        var same = new DriftAnalyzer(time).Analyze(profile, Synthetic(3_000, 0, 2), options);
        var shifted = new DriftAnalyzer(time).Analyze(profile, Synthetic(3_000, 0.3, 2), options);

        Assert.False(same.DatasetDrift);
        Assert.Equal(0, same.DriftedCount);
        Assert.True(shifted.DatasetDrift);
        Assert.Equal(2, shifted.FeatureCount);
        Assert.Equal(2, shifted.DriftedCount);
        Assert.True(shifted.Prediction!.Drifted);
        Assert.Equal(1, shifted.Features[0].CurrentMissing);
        Assert.Equal(time.GetUtcNow(), shifted.GeneratedAt);

        var back = DriftReport.FromJson(shifted.ToJson());
        Assert.Equal(shifted.DriftShare, back.DriftShare);
        Assert.Equal(shifted.Features[0].Score, back.Features[0].Score);
        Assert.Equal(shifted.Features[0].Histogram!.ReferenceCounts, back.Features[0].Histogram!.ReferenceCounts);

        string md = shifted.ToMarkdown();
        Assert.Contains("**Data set drift: YES**", md, StringComparison.Ordinal);
        Assert.Contains("| score (prediction) |", md, StringComparison.Ordinal);
        string html = shifted.ToHtml();
        Assert.Equal(3, CountOf(html, "<svg"));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Per_feature_overrides_change_test_and_threshold()
    {
        var profile = ReferenceProfile.Build(Synthetic(3_000, 0, 1));
        var options = new DriftOptions
        {
            PerFeature = new Dictionary<string, FeatureDriftOptions>
            {
                ["x"] = new() { Test = DriftTest.KolmogorovSmirnov, Threshold = 1e-300 },
                ["colour"] = new() { Test = DriftTest.Psi, Threshold = 5 },
            },
        };
        var report = new DriftAnalyzer().Analyze(profile, Synthetic(3_000, 0.3, 2), options);
        Assert.Equal(DriftTest.KolmogorovSmirnov, report.Features[0].Test);
        Assert.Equal(1e-300, report.Features[0].Threshold);
        Assert.Equal(DriftTest.Psi, report.Features[1].Test);
        Assert.False(report.Features[1].Drifted);
        Assert.Throws<ArgumentException>(() => new DriftAnalyzer().Analyze(profile, Synthetic(10, 0, 2), new DriftOptions
        {
            PerFeature = new Dictionary<string, FeatureDriftOptions> { ["colour"] = new() { Test = DriftTest.Wasserstein } },
        }));
    }

    [Fact]
    public void Alert_rules_fire_only_at_or_above_their_thresholds()
    {
        var report = new DriftReport
        {
            FeatureCount = 4,
            DriftedCount = 2,
            DriftShare = 0.5,
            Features =
            [
                new FeatureDriftResult { Name = "a", Psi = 0.2, Drifted = true, Score = 0.3, Threshold = 0.1 },
                new FeatureDriftResult { Name = "b", Psi = 0.19, Score = 0.01, Threshold = 0.1 },
            ],
            Performance = new PerformanceReport
            {
                ReferenceAccuracy = 0.90,
                Windows = [new PerformanceWindow { Estimated = new ConfusionMatrix(40, 10, 44, 6) }],
            },
        };

        // Estimated accuracy (40 + 44)/100 = 0.84 → drop 0.06 ≥ 0.05.
        var alerts = DriftAlertRule.EvaluateAll(report, DriftAlertRule.Defaults);
        Assert.Equal([DriftAlertKind.DriftShareAtLeast, DriftAlertKind.FeaturePsiAtLeast, DriftAlertKind.EstimatedAccuracyDropAtLeast], alerts.Select(a => a.Rule.Kind));
        Assert.Contains("'a'", alerts[1].Message, StringComparison.Ordinal);
        Assert.Equal(0.06, alerts[2].Value, 12);

        Assert.Empty(new DriftAlertRule(DriftAlertKind.DriftShareAtLeast, 0.51).Evaluate(report));
        Assert.Empty(new DriftAlertRule(DriftAlertKind.EstimatedAccuracyDropAtLeast, 0.061).Evaluate(report));
        Assert.Single(new DriftAlertRule(DriftAlertKind.FeatureDrifted).Evaluate(report));
        Assert.Empty(new DriftAlertRule(DriftAlertKind.FeatureDrifted, Feature: "b").Evaluate(report));
        Assert.Empty(new DriftAlertRule(DriftAlertKind.RealisedAccuracyDropAtLeast, 0.01).Evaluate(report));

        var back = DriftReport.FromJson((report with { Alerts = alerts }).ToJson());
        Assert.Equal(0.84, back.Performance!.Windows[0].EstimatedAccuracy, 12);
        Assert.Equal(DriftAlertKind.FeaturePsiAtLeast, back.Alerts[1].Rule.Kind);
        Assert.Contains("\"featurePsiAtLeast\"", report.ToJson() + back.ToJson(), StringComparison.Ordinal);
    }

    private static int CountOf(string s, string part)
    {
        int n = 0;
        for (int i = s.IndexOf(part, StringComparison.Ordinal); i >= 0; i = s.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}

using Warden.Core.Fairness;

namespace Warden.Core.Tests.Fairness;

public class BootstrapTests
{
    private static readonly Dictionary<string, string> White = new() { ["colour"] = "White" };

    [Fact]
    public void Same_seed_gives_identical_intervals_and_other_seed_differs()
    {
        var data = SampleData.Arrests();
        var a = FairnessAnalyzer.Analyze(data, new FairnessOptions { BootstrapResamples = 50, Seed = 7, Privileged = White });
        var b = FairnessAnalyzer.Analyze(data, new FairnessOptions { BootstrapResamples = 50, Seed = 7, Privileged = White });
        var c = FairnessAnalyzer.Analyze(data, new FairnessOptions { BootstrapResamples = 50, Seed = 8, Privileged = White });
        Assert.Equal(FairnessReportJson.Serialize(a), FairnessReportJson.Serialize(b));
        Assert.NotEqual(a.Sections[0].Find("disparate_impact")!.Lower, c.Sections[0].Find("disparate_impact")!.Lower);
    }

    [Fact]
    public void Every_defined_disparity_interval_brackets_its_point_estimate()
    {
        var report = FairnessAnalyzer.Analyze(SampleData.Arrests(), new FairnessOptions { BootstrapResamples = 200, Privileged = White });
        foreach (var d in report.Sections.SelectMany(s => s.Disparities).Where(d => d.Value.HasValue))
        {
            Assert.True(d.Lower <= d.Upper, d.Name);
            // Percentile intervals need not contain the estimate in general, but with n = 5226 these smooth statistics do.
            Assert.InRange(d.Value!.Value, d.Lower!.Value - 1e-9, d.Upper!.Value + 1e-9);
        }
    }

    [Fact]
    public void Interval_width_of_a_proportion_matches_normal_approximation()
    {
        // For a proportion p over n rows the 95% interval is about ±1.96·sqrt(p(1−p)/n).
        var data = SampleData.Arrests();
        var report = FairnessAnalyzer.Analyze(data, new FairnessOptions { BootstrapResamples = 400, Seed = 3 });
        var sr = report.Overall.SelectionRate;
        var p = sr.Value!.Value;
        var expectedWidth = 2 * 1.96 * Math.Sqrt(p * (1 - p) / data.RowCount);
        Assert.InRange(sr.Upper!.Value - sr.Lower!.Value, 0.8 * expectedWidth, 1.2 * expectedWidth);
    }

    [Fact]
    public void Without_resamples_intervals_are_absent()
    {
        var report = FairnessAnalyzer.Analyze(SampleData.Arrests(), new FairnessOptions { BootstrapResamples = 0 });
        Assert.All(report.Sections.SelectMany(s => s.Disparities), d => Assert.Null(d.Lower));
        Assert.Null(report.Overall.Accuracy.Upper);
    }

    [Fact]
    public void Percentiles_interpolate_linearly_like_numpy()
    {
        // numpy.percentile([1,2,3,4,5], [2.5, 97.5]) = [1.1, 4.9]
        var (lo, hi) = FairnessAnalyzer.Percentiles(new double[] { 5, 1, double.NaN, 3, 2, 4 }, 0.025);
        Assert.Equal(1.1, lo!.Value, 1e-12);
        Assert.Equal(4.9, hi!.Value, 1e-12);
        Assert.Equal((null, null), FairnessAnalyzer.Percentiles(new[] { double.NaN }, 0.025));
    }

    [Fact]
    public void Weighted_row_bootstrap_with_unit_weights_agrees_with_unweighted_bootstrap()
    {
        var plain = SampleData.Arrests();
        var unit = FairnessDataset.Create(plain.Labels.ToArray(), plain.Predictions.ToArray(),
            plain.SensitiveFeatures.Select(f => new KeyValuePair<string, string[]>(f.Name, Enumerable.Range(0, plain.RowCount).Select(f.ValueAt).ToArray())),
            null, Enumerable.Repeat(1.0, plain.RowCount).ToArray());
        var options = new FairnessOptions { BootstrapResamples = 400, Privileged = White };
        var a = FairnessAnalyzer.Analyze(plain, options).Section("colour")!.Find("disparate_impact")!;
        var b = FairnessAnalyzer.Analyze(unit, options).Section("colour")!.Find("disparate_impact")!;
        Assert.Equal(a.Value, b.Value);
        // Two Monte Carlo estimates of the same interval: ends agree to within a few hundredths.
        Assert.Equal(a.Lower!.Value, b.Lower!.Value, 0.03);
        Assert.Equal(a.Upper!.Value, b.Upper!.Value, 0.03);
        var again = FairnessAnalyzer.Analyze(unit, options).Section("colour")!.Find("disparate_impact")!;
        Assert.Equal(b, again);
    }
}

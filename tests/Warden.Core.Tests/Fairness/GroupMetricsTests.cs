using Warden.Core.Fairness;

namespace Warden.Core.Tests.Fairness;

public class GroupMetricsTests
{
    private const double Tol = 1e-12;

    [Fact]
    public void All_rates_of_a_group_match_hand_computed_confusion_matrix()
    {
        var report = FairnessAnalyzer.Analyze(TinyData.ThreeGroups(), TinyData.Options());
        var a = report.Sections[0].Groups.Single(g => g.Key == "g=A");
        // A: TP=2, FN=1, FP=1, TN=1, N=5
        Assert.Equal(5, a.Count);
        Assert.Equal(new ConfusionCounts(1, 1, 1, 2), a.Confusion);
        Assert.Equal(3.0 / 5, a.SelectionRate.Value!.Value, Tol);          // (TP+FP)/N
        Assert.Equal(3.0 / 5, a.BaseRate.Value!.Value, Tol);               // (TP+FN)/N
        Assert.Equal(3.0 / 5, a.Accuracy.Value!.Value, Tol);               // (TP+TN)/N
        Assert.Equal(2.0 / 3, a.TruePositiveRate.Value!.Value, Tol);       // 2/(2+1)
        Assert.Equal(1.0 / 2, a.FalsePositiveRate.Value!.Value, Tol);      // 1/(1+1)
        Assert.Equal(1.0 / 3, a.FalseNegativeRate.Value!.Value, Tol);      // 1/(2+1)
        Assert.Equal(1.0 / 2, a.TrueNegativeRate.Value!.Value, Tol);       // 1/(1+1)
        Assert.Equal(2.0 / 3, a.PositivePredictiveValue.Value!.Value, Tol); // 2/(2+1)
        Assert.Equal(1.0 / 3, a.FalseDiscoveryRate.Value!.Value, Tol);     // 1/(2+1)
        Assert.Equal(1.0 / 2, a.FalseOmissionRate.Value!.Value, Tol);      // FN/(TN+FN) = 1/2
        Assert.Equal(1.0 / 2, a.NegativePredictiveValue.Value!.Value, Tol); // TN/(TN+FN) = 1/2

        var b = report.Sections[0].Groups.Single(g => g.Key == "g=B");
        // B: TP=1, FN=0, FP=1, TN=2
        Assert.Equal(0.5, b.SelectionRate.Value!.Value, Tol);
        Assert.Equal(0.25, b.BaseRate.Value!.Value, Tol);
        Assert.Equal(0.75, b.Accuracy.Value!.Value, Tol);
        Assert.Equal(1.0, b.TruePositiveRate.Value!.Value, Tol);
        Assert.Equal(1.0 / 3, b.FalsePositiveRate.Value!.Value, Tol);
        Assert.Equal(0.0, b.FalseNegativeRate.Value!.Value, Tol);
        Assert.Equal(0.0, b.FalseOmissionRate.Value!.Value, Tol);
        Assert.Equal(1.0, b.NegativePredictiveValue.Value!.Value, Tol);
    }

    [Fact]
    public void Rates_of_a_group_without_positives_are_undefined_not_zero()
    {
        var report = FairnessAnalyzer.Analyze(TinyData.ThreeGroups(), TinyData.Options());
        var c = report.Sections[0].Groups.Single(g => g.Key == "g=C");
        Assert.Null(c.TruePositiveRate.Value);
        Assert.Null(c.FalseNegativeRate.Value);
        Assert.Equal(0.0, c.BaseRate.Value);
        Assert.Equal(0.5, c.FalsePositiveRate.Value);
        Assert.Equal(0.0, c.PositivePredictiveValue.Value); // TP/(TP+FP) = 0/1 is defined
        Assert.Equal(1.0, c.FalseDiscoveryRate.Value);
    }

    [Fact]
    public void Precision_is_undefined_for_group_with_no_predicted_positives()
    {
        var c = new ConfusionCounts(TrueNegative: 3, FalsePositive: 0, FalseNegative: 1, TruePositive: 0);
        Assert.Null(c.Rate(FairnessMetric.PositivePredictiveValue));
        Assert.Null(c.Rate(FairnessMetric.FalseDiscoveryRate));
        Assert.Equal(0.25, c.Rate(FairnessMetric.FalseOmissionRate));
        Assert.Null(default(ConfusionCounts).Rate(FairnessMetric.SelectionRate));
    }

    [Fact]
    public void Sample_weights_scale_the_confusion_cells()
    {
        // rows (y,p,w): (1,1,2), (0,1,1), (0,0,1) => TP=2, FP=1, TN=1, N=4
        var data = TinyData.Make(["A", "A", "A"], [1, 0, 0], [1, 1, 0], [2, 1, 1]);
        var a = FairnessAnalyzer.Analyze(data, TinyData.Options()).Sections[0].Groups[0];
        Assert.Equal(3, a.Count);
        Assert.Equal(4, a.Weight);
        Assert.Equal(3.0 / 4, a.SelectionRate.Value!.Value, Tol);     // unweighted would be 2/3
        Assert.Equal(2.0 / 3, a.PositivePredictiveValue.Value!.Value, Tol);
        Assert.Equal(0.5, a.FalsePositiveRate.Value!.Value, Tol);
        Assert.Equal(3.0 / 4, a.Accuracy.Value!.Value, Tol);
    }

    [Fact]
    public void Intersection_groups_combine_feature_values_and_keep_only_observed_combinations()
    {
        var data = FairnessDataset.Create(
            [1, 0, 1, 0], [1, 1, 0, 0],
            [new("f1", ["A", "A", "B", "B"]), new("f2", ["x", "y", "x", "x"])]);
        var report = FairnessAnalyzer.Analyze(data, TinyData.Options());
        Assert.Equal(["f1", "f2", "f1 & f2"], report.Sections.Select(s => s.Key));
        var inter = report.Section("f1 & f2")!;
        Assert.Equal(["f1=A & f2=x", "f1=A & f2=y", "f1=B & f2=x"], inter.Groups.Select(g => g.Key));
        Assert.Equal([1L, 1L, 2L], inter.Groups.Select(g => g.Count));
        Assert.Equal(1.0, inter.Groups[0].SelectionRate.Value);  // row 0: p=1
        Assert.Equal(1.0, inter.Groups[1].SelectionRate.Value);  // row 1: p=1
        Assert.Equal(0.0, inter.Groups[2].SelectionRate.Value);  // rows 2,3: p=0
        Assert.Equal("B", inter.Groups[2].Values["f1"]);
    }

    [Fact]
    public void Calibration_bins_hold_mean_score_and_observed_rate()
    {
        // bin0: {0.05 y0}; bin1: {0.15 y1, 0.12 y0}; bin9: {0.95 y1, 1.0 y1}
        var data = TinyData.Make(["A", "A", "A", "A", "A"], [0, 1, 0, 1, 1], [0, 0, 0, 1, 1], scores: [0.05, 0.15, 0.12, 0.95, 1.0]);
        var a = FairnessAnalyzer.Analyze(data, TinyData.Options()).Sections[0].Groups[0];
        var bins = a.Calibration!;
        Assert.Equal(10, bins.Count);
        Assert.Equal(0.05, bins[0].MeanScore!.Value, Tol);
        Assert.Equal(0.0, bins[0].ObservedRate!.Value, Tol);
        Assert.Equal(0.135, bins[1].MeanScore!.Value, Tol);
        Assert.Equal(0.5, bins[1].ObservedRate!.Value, Tol);
        Assert.Equal(2, bins[9].Count);
        Assert.Equal(0.975, bins[9].MeanScore!.Value, Tol);
        Assert.Null(bins[5].MeanScore);
        // ECE = 1/5·|0.05−0| + 2/5·|0.135−0.5| + 2/5·|0.975−1| = 0.01 + 0.146 + 0.01
        Assert.Equal(0.166, a.CalibrationError!.Value, Tol);
    }

    [Fact]
    public void Calibration_bin_count_is_configurable()
    {
        var data = TinyData.Make(["A", "A"], [0, 1], [0, 1], scores: [0.2, 0.7]);
        var a = FairnessAnalyzer.Analyze(data, TinyData.Options() with { CalibrationBins = 4 }).Sections[0].Groups[0];
        Assert.Equal([0.0, 0.25, 0.5, 0.75], a.Calibration!.Select(b => b.Lower));
        Assert.Equal([1L, 0L, 1L, 0L], a.Calibration!.Select(b => b.Count));
    }

    [Fact]
    public void Privileged_value_absent_from_data_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => FairnessAnalyzer.Analyze(TinyData.ThreeGroups(),
            TinyData.Options(privileged: new Dictionary<string, string> { ["g"] = "Z" })));
        Assert.Contains("'Z'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sections_without_intersection_equal_the_single_feature_sections_with_it()
    {
        var data = SampleData.Arrests();
        var with = FairnessAnalyzer.Analyze(data, new FairnessOptions { BootstrapResamples = 0 });
        var without = FairnessAnalyzer.Analyze(data, new FairnessOptions { BootstrapResamples = 0, IncludeIntersection = false });
        Assert.Equal(["colour", "sex"], without.Sections.Select(s => s.Key));
        foreach (var s in without.Sections)
        {
            var other = with.Section(s.Key)!;
            Assert.Equal(other.Groups.Select(g => g.Confusion), s.Groups.Select(g => g.Confusion));
            Assert.Equal(other.Disparities, s.Disparities);
            Assert.Equal(other.Groups.Select(g => g.CalibrationError), s.Groups.Select(g => g.CalibrationError));
        }
    }
}

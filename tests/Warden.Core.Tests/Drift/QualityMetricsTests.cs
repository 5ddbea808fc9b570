using Warden.Core.Drift;

namespace Warden.Core.Tests.Drift;

public class QualityMetricsTests
{
    [Fact]
    public void Roc_auc_counts_a_tied_pair_as_half()
    {
        // Positives {0.4, 0.8}, negatives {0.1, 0.4}: pairs (0.4>0.1)=1, (0.4=0.4)=½, (0.8>0.1)=1, (0.8>0.4)=1 → 3.5/4.
        Assert.Equal(0.875, ClassificationMetrics.RocAuc([0.1, 0.4, 0.4, 0.8], [false, true, false, true]), 12);
        Assert.True(double.IsNaN(ClassificationMetrics.RocAuc([0.1, 0.2], [true, true])));
    }

    [Fact]
    public void Log_loss_is_mean_cross_entropy()
    {
        // −(ln 0.9 + ln 0.8)/2 = (0.1053605 + 0.2231436)/2 = 0.1642520.
        Assert.Equal(0.164252033486, ClassificationMetrics.LogLoss([0.9, 0.2], [true, false]), 11);
        // p = 0 for a positive is clipped to 1e-15 instead of infinity: −ln(1e-15) = 34.5388.
        Assert.Equal(34.538776394910684, ClassificationMetrics.LogLoss([0.0], [true]), 9);
    }

    [Fact]
    public void Expected_calibration_error_weights_bins_by_size()
    {
        // bin 1 {0.1, 0.15}: |0.5 − 0.125|·2/4 = 0.1875; bin 8 {0.8}: |1 − 0.8|/4 = 0.05; bin 9 {0.9}: 0.1/4 = 0.025 → 0.2625.
        Assert.Equal(0.2625, ClassificationMetrics.ExpectedCalibrationError([0.1, 0.15, 0.8, 0.9], [false, true, true, true]), 12);
    }

    [Fact]
    public void Accuracy_thresholds_scores()
    {
        // Predictions [1,1,0,0] vs labels [1,0,0,1]: 2 of 4 right.
        Assert.Equal(0.5, ClassificationMetrics.Accuracy([0.9, 0.6, 0.3, 0.2], [true, false, false, true]), 12);
    }

    [Fact]
    public void Isotonic_calibrator_pools_adjacent_violators()
    {
        // Labels 0,1,0,1 at scores 1..4: the violation (1 then 0) pools to 0.5 → fitted 0, .5, .5, 1.
        var c = IsotonicCalibrator.Fit([1, 2, 3, 4], [false, true, false, true]);
        Assert.Equal([0, 0.5, 0.5, 1], c.Probabilities);
        Assert.Equal(0.5, c.Predict(2.5), 12);
        Assert.Equal(0.25, c.Predict(1.5), 12);
        Assert.Equal(0.0, c.Predict(-3), 12);
        Assert.Equal(1.0, c.Predict(9), 12);
    }

    [Fact]
    public void Cbpe_expected_confusion_matrix_on_a_tiny_case()
    {
        // Uncalibrated, threshold 0.5, scores .9 .6 .3 .2:
        // TP = .9 + .6 = 1.5, FP = .1 + .4 = .5, FN = .3 + .2 = .5, TN = .7 + .8 = 1.5 → accuracy 3/4.
        var cbpe = ConfidenceBasedPerformanceEstimator.Fit([0.9, 0.1], [true, false], calibrate: false);
        var m = cbpe.Estimate([0.9, 0.6, 0.3, 0.2]);
        Assert.Equal(1.5, m.TruePositive, 12);
        Assert.Equal(0.5, m.FalsePositive, 12);
        Assert.Equal(0.5, m.FalseNegative, 12);
        Assert.Equal(1.5, m.TrueNegative, 12);
        Assert.Equal(0.75, m.Accuracy, 12);
    }

    [Fact]
    public void Cbpe_estimate_tracks_realised_accuracy_under_covariate_shift()
    {
        // Labels drawn from a known calibrated P(y=1|s) = s; the current window shifts scores toward 0.5,
        // where the model is less sure (accuracy 0.75 → 0.6), so accuracy drops and CBPE must see it without labels.
        var random = new Random(7);
        (double[] s, bool[] y) Draw(int n, Func<double> score)
        {
            var s = new double[n];
            var y = new bool[n];
            for (int i = 0; i < n; i++)
            {
                s[i] = score();
                y[i] = random.NextDouble() < s[i];
            }

            return (s, y);
        }

        var (rs, ry) = Draw(20_000, random.NextDouble);
        var (cs, cy) = Draw(20_000, () => 0.3 + (random.NextDouble() * 0.4));
        var cbpe = ConfidenceBasedPerformanceEstimator.Fit(rs, ry);
        var report = PerformanceMonitor.Evaluate(cbpe, cs, cy.Select(v => (bool?)v).ToArray(), 5_000);

        Assert.Equal(4, report.Windows.Count);
        Assert.InRange(report.ReferenceAccuracy, 0.72, 0.78);
        Assert.InRange(report.RealisedAccuracy!.Value, 0.55, 0.65);
        Assert.InRange(report.EstimatedAccuracy - report.RealisedAccuracy.Value, -0.03, 0.03);
        Assert.True(report.MaxEstimatedAccuracyDrop > 0.1);
    }

    [Fact]
    public void Performance_windows_without_labels_have_only_estimates()
    {
        var cbpe = ConfidenceBasedPerformanceEstimator.Fit([0.9, 0.8, 0.2, 0.1], [true, true, false, false], calibrate: false);
        var report = PerformanceMonitor.Evaluate(cbpe, [0.9, 0.6, 0.3], [true, null, null], 2);
        Assert.Equal(2, report.Windows.Count);
        Assert.Equal(1, report.Windows[0].LabelledCount);
        Assert.Equal(1.0, report.Windows[0].RealisedAccuracy);
        Assert.Null(report.Windows[0].RocAuc);
        Assert.Null(report.Windows[1].Realised);
        Assert.Equal(1, report.Windows[1].Count);
        Assert.Equal(0.7, report.Windows[1].EstimatedAccuracy, 12);
    }
}

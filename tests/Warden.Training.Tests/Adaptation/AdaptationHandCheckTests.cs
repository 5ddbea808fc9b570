using Warden.Core.Drift;
using Warden.Training.Adaptation;

namespace Warden.Training.Tests.Adaptation;

public class AdaptationHandCheckTests
{
    [Fact]
    public void Importance_weights_are_odds_times_domain_size_ratio_normalised_to_mean_one()
    {
        // P(d=t|x) = 0.5, 0.5, 0.8, 0.2; n_s = 4, n_t = 2 → odds·(4/2) = 2, 2, 8, 0.5.
        // 100th percentile clips nothing; mean = 12.5/4 = 3.125 → 0.64, 0.64, 2.56, 0.16.
        // ESS = (2+2+8+0.5)² / (4+4+64+0.25) = 156.25/72.25 = 2.16263.
        var w = ImportanceWeights.FromDomainProbabilities([0.5, 0.5, 0.8, 0.2], sourceCount: 4, targetCount: 2, clipPercentile: 100);

        Assert.Equal([2, 2, 8, 0.5], w.RawWeights.Select(v => Math.Round(v, 12)));
        Assert.Equal([0.64, 0.64, 2.56, 0.16], w.Weights.Select(v => Math.Round(v, 12)));
        Assert.Equal(0, w.ClippedRows);
        Assert.Equal(156.25 / 72.25, w.EffectiveSampleSize, 12);
    }

    [Fact]
    public void Weights_are_clipped_at_the_interpolated_percentile_before_normalising()
    {
        // Sorted ratios 0.5, 2, 2, 8; 75th percentile (type 7): h = 3·0.75 = 2.25 → 2 + 0.25·(8 − 2) = 3.5.
        // Clipped 2, 2, 3.5, 0.5 (sum 8, mean 2) → 1, 1, 1.75, 0.25; ESS = 4² / (1+1+3.0625+0.0625) = 16/5.125.
        var w = ImportanceWeights.FromRatios([2, 2, 8, 0.5], clipPercentile: 75);

        Assert.Equal(3.5, w.ClipValue, 12);
        Assert.Equal(1, w.ClippedRows);
        Assert.Equal([1, 1, 1.75, 0.25], w.Weights.Select(v => Math.Round(v, 12)));
        Assert.Equal(16 / 5.125, w.EffectiveSampleSize, 12);
    }

    [Fact]
    public void Effective_sample_size_of_equal_weights_is_the_row_count_and_one_dominant_weight_gives_about_one()
    {
        Assert.Equal(5, ImportanceWeights.KishEffectiveSampleSize([3, 3, 3, 3, 3]), 12);

        // (1000 + 4·0.001)² / (1000² + 4·1e-6) = 1000.004² / 1000000.000004 ≈ 1.000008.
        Assert.Equal(1.000008, ImportanceWeights.KishEffectiveSampleSize([1000, 0.001, 0.001, 0.001, 0.001]), 6);
    }

    [Fact]
    public void Domain_probability_of_exactly_one_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => ImportanceWeights.FromDomainProbabilities([0.3, 1.0], 2, 1));
    }

    [Fact]
    public void Platt_scaling_fits_two_points_exactly_to_the_smoothed_targets()
    {
        // One negative at s = −1 and one positive at s = +1. Smoothed targets: t₊ = (1+1)/(1+2) = 2/3, t₋ = 1/(1+2) = 1/3.
        // Two parameters fit two points exactly: σ(a + b) = 2/3 and σ(−a + b) = 1/3 → b = 0, a = logit(2/3) = ln 2.
        var platt = PlattScaling.Fit([-1, 1], [false, true]);

        Assert.Equal(Math.Log(2), platt.A, 8);
        Assert.Equal(0, platt.B, 8);
        Assert.Equal(2.0 / 3, platt.Apply(1), 8);
    }

    [Fact]
    public void Platt_scaling_of_a_constant_score_returns_the_smoothed_base_rate()
    {
        // All scores 0: only b matters; 1 positive, 3 negatives → t₊ = 2/3, t₋ = 1/5.
        // Optimum σ(b) = mean target = (2/3 + 3·1/5)/4 = (10/15 + 9/15)/4 = 19/60.
        var platt = PlattScaling.Fit([0, 0, 0, 0], [true, false, false, false]);

        Assert.Equal(19.0 / 60, platt.Apply(0), 8);
    }

    [Fact]
    public void Isotonic_calibration_pools_adjacent_violators()
    {
        // Sorted by score, labels 1,0,0,1,1: the first three violate monotonicity and pool to 1/3; then 1, 1.
        var iso = IsotonicCalibration.Fit([0.1, 0.2, 0.3, 0.4, 0.5], [true, false, false, true, true]);

        Assert.Equal([0.1, 0.2, 0.3, 0.4, 0.5], iso.Thresholds);
        double[] expected = [1.0 / 3, 1.0 / 3, 1.0 / 3, 1, 1];
        Assert.Equal(expected.Length, iso.Values.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], iso.Values[i], 12);
        }

        // Between 0.3 (1/3) and 0.4 (1): linear; at 0.35 → 1/3 + 0.5·(2/3) = 2/3. Outside the range: clipped.
        Assert.Equal(2.0 / 3, iso.Apply(0.35), 12);
        Assert.Equal(1.0 / 3, iso.Apply(-5), 12);
        Assert.Equal(1, iso.Apply(7), 12);
    }

    [Fact]
    public void Isotonic_calibration_averages_tied_scores_before_pooling()
    {
        // Scores 0.2 (labels 1, 0) → mean ½ with weight 2; 0.6 (label 0) → 0. Violation: pool (½·2 + 0·1)/3 = 1/3.
        var iso = IsotonicCalibration.Fit([0.2, 0.2, 0.6], [true, false, false]);

        Assert.Equal([0.2, 0.6], iso.Thresholds);
        Assert.All(iso.Values, v => Assert.Equal(1.0 / 3, v, 12));
    }

    [Fact]
    public void Ks_statistic_and_p_value_match_a_hand_computation()
    {
        // x = 1, 2, 3; y = 2.5, 4, 5. At 3: F_x = 1, F_y = 1/3 → D = 2/3.
        // nₑ = 9/6 = 1.5; λ = (√1.5 + 0.12 + 0.11/√1.5)·2/3 = (1.224745 + 0.12 + 0.089815)·2/3 = 0.956373;
        // λ² = 0.914649; Q = 2(e^{−2λ²} − e^{−8λ²} + e^{−18λ²}) = 2(0.1605261 − 0.0006640 + 0.0000001) = 0.319724.
        var ks = TwoSampleKs.Test("x", [1, 2, 3], [2.5, 4, 5]);

        Assert.Equal(2.0 / 3, ks.D, 12);
        Assert.Equal(0.319724, ks.PValue, 5);
    }

    [Fact]
    public void Ks_of_identical_samples_is_zero_with_p_value_one()
    {
        var ks = TwoSampleKs.Test("x", [1, 1, 2, 3], [3, 2, 1, 1]);

        Assert.Equal(0, ks.D);
        Assert.Equal(1, ks.PValue);
    }

    [Fact]
    public void Quality_metrics_match_a_hand_computation()
    {
        // labels 1,0,1,0; p = 0.9, 0.6, 0.4, 0.1.
        // AUC: positive pairs (0.9>0.6 ✓, 0.9>0.1 ✓, 0.4<0.6 ✗, 0.4>0.1 ✓) = 3/4.
        // Accuracy: predictions 1,1,0,0 vs 1,0,1,0 → 2/4. Brier: (0.01 + 0.36 + 0.36 + 0.01)/4 = 0.185.
        // Log-loss (bits): −(log₂0.9 + log₂0.4 + log₂0.4 + log₂0.9)/4 = −(log₂0.9 + log₂0.4)/2.
        // ECE bins: [0.9]: |1 − 0.9| = 0.1; [0.6]: |0 − 0.6|; [0.4]: |1 − 0.4|; [0.1]: |0 − 0.1| → (0.1+0.6+0.6+0.1)/4 = 0.35.
        var q = BinaryQuality.Compute([true, false, true, false], [0.9, 0.6, 0.4, 0.1]);

        Assert.Equal(0.75, q.Auc, 12);
        Assert.Equal(0.5, q.Accuracy, 12);
        Assert.Equal(0.185, q.Brier, 12);
        Assert.Equal(-(Math.Log2(0.9) + Math.Log2(0.4)) / 2, q.LogLoss, 12);
        Assert.Equal(0.35, q.Ece, 12);
    }

    [Fact]
    public void Auc_counts_tied_scores_as_half()
    {
        // Positive 0.5 vs negatives 0.5 (tie, ½) and 0.2 (win) → 1.5/2.
        Assert.Equal(0.75, ClassificationMetrics.RocAuc([0.5, 0.5, 0.2], [true, false, false]), 12);
    }
}

using Warden.Core;
using Warden.Core.Feedback;
using Warden.Core.Monitoring;
using Warden.Core.Predictions;

namespace Warden.Core.Tests.Monitoring;

public sealed class MonitoringMathTests
{
    [Fact]
    public void Nearest_rank_percentile_takes_the_ceiling_rank()
    {
        // n = 10: p50 → rank ⌈5⌉ = 5th smallest = 5; p99 → rank ⌈9.9⌉ = 10th = 10; p10 → rank 1 = 1.
        double[] values = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
        Assert.Equal(5, Percentile.NearestRank(values, 0.5));
        Assert.Equal(10, Percentile.NearestRank(values, 0.99));
        Assert.Equal(1, Percentile.NearestRank(values, 0.1));
        Assert.Null(Percentile.NearestRank([], 0.5));
    }

    [Fact]
    public void Rollout_metrics_match_hand_counts()
    {
        // predicted 1 1 0 0 1, truth 1 0 0 1 1 → TP 2, FP 1, TN 1, FN 1.
        bool[] predicted = [true, true, false, false, true];
        bool[] truth = [true, false, false, true, true];
        double[] scores = [0.9, 0.8, 0.3, 0.4, 0.7];
        Assert.Equal(3 / 5.0, RolloutMetrics.Compute("accuracy", scores, predicted, truth));
        Assert.Equal(2 / 3.0, RolloutMetrics.Compute("precision", scores, predicted, truth));
        Assert.Equal(2 / 3.0, RolloutMetrics.Compute("recall", scores, predicted, truth));

        // Positives score 0.9, 0.4, 0.7; negatives 0.8, 0.3. Pairs won: 0.9 beats both (2), 0.4 beats 0.3 (1), 0.7 beats 0.3 (1) → 4/6.
        Assert.Equal(4 / 6.0, RolloutMetrics.Compute("roc_auc", scores, predicted, truth)!.Value, 12);
    }

    [Fact]
    public void Precision_is_undefined_without_positive_predictions()
    {
        Assert.Null(RolloutMetrics.Compute("precision", [0.1, 0.2], [false, false], [true, false]));
        Assert.Null(RolloutMetrics.Compute("roc_auc", [0.1, 0.2], [false, false], [true, true]));
    }

    [Fact]
    public void Durations_parse_with_units_and_reject_nonsense()
    {
        Assert.Equal(TimeSpan.FromDays(7), TimeWindow.Parse("7d"));
        Assert.Equal(TimeSpan.FromMinutes(90), TimeWindow.Parse("1.5h"));
        Assert.Equal(TimeSpan.FromSeconds(30), TimeWindow.Parse("30s"));
        Assert.False(TimeWindow.TryParse("7", out _));
        Assert.False(TimeWindow.TryParse("-1h", out _));
        Assert.False(TimeWindow.TryParse("soon", out _));
        var now = new DateTimeOffset(2026, 1, 8, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeWindow.Since("7d", now));
        Assert.Equal(new DateTimeOffset(2025, 12, 31, 0, 0, 0, TimeSpan.Zero), TimeWindow.Since("2025-12-31T00:00:00Z", now));
        Assert.Null(TimeWindow.Since(null, now));
        Assert.Equal(400, Assert.Throws<WardenException>(() => TimeWindow.Since("yesterday", now)).StatusCode);
    }

    [Fact]
    public void Seed_of_a_request_id_is_fnv1a()
    {
        // FNV-1a 32-bit of "a": (2166136261 ^ 97) · 16777619 mod 2^32 = 0xE40C292C.
        Assert.Equal(unchecked((int)0xE40C292Cu), GroupThresholdInterceptor.SeedFor("a"));
    }

    [Fact]
    public void Live_rows_map_labels_and_predictions_and_exclude_rows_without_the_sensitive_attribute()
    {
        static LabeledPrediction Row(string id, string outputs, string? sensitive, string label) =>
            new(new StoredPrediction(0, id, DateTimeOffset.UnixEpoch, "m", "1", "k", null, "[]", outputs, sensitive, 1), label, "api");
        const string High = """[{"name":"label","datatype":"BOOL","shape":[1,1],"data":[true]},{"name":"probability","datatype":"FP32","shape":[1,1],"data":[0.7]}]""";
        const string Low = """[{"name":"label","datatype":"BOOL","shape":[1,1],"data":[false]},{"name":"probability","datatype":"FP32","shape":[1,1],"data":[0.3]}]""";
        const string Batch = """[{"name":"label","datatype":"BOOL","shape":[2,1],"data":[true,false]},{"name":"probability","datatype":"FP32","shape":[2,1],"data":[0.7,0.2]}]""";
        var rows = new[]
        {
            Row("a", High, """{"afam":"yes"}""", "yes"),
            Row("b", Low, """{"afam":"no"}""", "yes"),
            Row("c", Low, null, "no"),
            Row("d", Batch, """{"afam":"no"}""", "no"),
        };
        var options = new LiveFairnessOptions { SensitiveFeatures = ["afam"], ScoreOutput = "probability", LabelOutput = "label" };
        var data = LiveFairnessData.Build(rows, options);
        // Row c has no sensitive attribute: it is left out of the groups and counted, not made a group of its own.
        Assert.Equal((2, 1, 1), (data.Rows, data.Skipped, data.MissingSensitive));
        Assert.Equal([1, 1], data.Dataset!.Labels);
        Assert.Equal([1, 0], data.Dataset.Predictions);
        Assert.Equal(["no", "yes"], data.Dataset.SensitiveFeatures[0].Categories);

        // A threshold of 0.25 turns the 0.3 score positive.
        var thresholded = LiveFairnessData.Build(rows, options with { Threshold = 0.25 });
        Assert.Equal([1, 1], thresholded.Dataset!.Predictions);
    }
}

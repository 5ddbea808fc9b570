using Warden.Core.Drift;

namespace Warden.Core.Tests.Drift;

/// <summary>Categorical reference profiles: full category counts, unseen categories pooled, statistics checked by hand.</summary>
public sealed class CategoricalReferenceTests
{
    private static ReferenceProfile Reference(params (string Category, int Count)[] counts) =>
        ReferenceProfile.Build(new ColumnSet().Add("colour", counts.SelectMany(c => Enumerable.Repeat<string?>(c.Category, c.Count)).ToArray()));

    private static FeatureDriftResult Analyze(ReferenceProfile reference, params string?[] current) =>
        new DriftAnalyzer().Analyze(reference, new ColumnSet().Add("colour", current)).Features.Single();

    [Fact]
    public void Profile_keeps_the_count_of_every_category_and_survives_json()
    {
        var profile = Reference(("red", 3), ("blue", 2), ("green", 1));
        var back = ReferenceProfile.FromJson(profile.ToJson()).Find("colour")!;
        Assert.Equal(["blue", "green", "red"], back.Categories!);
        Assert.Equal([2L, 1L, 3L], back.CategoryCounts!);
    }

    [Fact]
    public void Chi_square_on_a_small_reference_equals_the_hand_computation()
    {
        // Reference a:4 b:3 c:3; current a:1 b:2 c:7. Expected counts = reference share × 10 = 4, 3, 3.
        var reference = Reference(("a", 4), ("b", 3), ("c", 3));
        var result = Analyze(reference, ["a", "b", "b", "c", "c", "c", "c", "c", "c", "c"]);

        double statistic = (Math.Pow(1 - 4, 2) / 4) + (Math.Pow(2 - 3, 2) / 3) + (Math.Pow(7 - 3, 2) / 3);
        Assert.Equal(DriftTest.ChiSquare, result.Test);
        Assert.Equal(statistic, result.Statistic!.Value, 12);

        // With 2 degrees of freedom the chi-square survival function is exp(−x/2).
        Assert.Equal(Math.Exp(-statistic / 2), result.Score, 12);
        Assert.True(result.Drifted);
    }

    [Fact]
    public void Unseen_categories_are_pooled_into_one_bucket_and_jensen_shannon_equals_the_hand_computation()
    {
        // More than 1000 reference rows: Jensen–Shannon. Reference a:600 b:600; current a:2 b:6 and two categories never seen.
        var reference = Reference(("a", 600), ("b", 600));
        var result = Analyze(reference, ["a", "a", "b", "b", "b", "b", "b", "b", "new1", "new2"]);

        Assert.Equal(DriftTest.JensenShannon, result.Test);
        Assert.Equal(["a", "b", DriftAnalyzer.UnseenCategory], result.Histogram!.Labels);
        Assert.Equal([600L, 600L, 0L], result.Histogram.ReferenceCounts);
        Assert.Equal([2L, 6L, 2L], result.Histogram.CurrentCounts);

        double[] p = [0.5, 0.5, 0], q = [0.2, 0.6, 0.2];
        double js = 0;
        for (int k = 0; k < 3; k++)
        {
            double m = (p[k] + q[k]) / 2;
            js += (p[k] > 0 ? p[k] * Math.Log2(p[k] / m) : 0) + (q[k] > 0 ? q[k] * Math.Log2(q[k] / m) : 0);
        }

        Assert.Equal(Math.Sqrt(js / 2), result.Score, 12);
        Assert.True(result.Drifted);
    }

    [Fact]
    public void An_unseen_category_makes_chi_square_infinite()
    {
        var result = Analyze(Reference(("a", 4), ("b", 3), ("c", 3)), ["a", "b", "c", "d"]);
        Assert.True(double.IsPositiveInfinity(result.Statistic!.Value));
        Assert.Equal(0, result.Score);
    }

    [Fact]
    public void A_profile_written_before_category_counts_existed_is_tested_on_its_sample()
    {
        var json = Reference(("a", 4), ("b", 3), ("c", 3)).ToJson().Replace("\"categoryCounts\"", "\"ignored\"", StringComparison.Ordinal);
        var legacy = ReferenceProfile.FromJson(json);
        Assert.Null(legacy.Find("colour")!.CategoryCounts);
        var result = Analyze(legacy, ["a", "b", "b", "c", "c", "c", "c", "c", "c", "c"]);
        Assert.Equal((Math.Pow(1 - 4, 2) / 4) + (Math.Pow(2 - 3, 2) / 3) + (Math.Pow(7 - 3, 2) / 3), result.Statistic!.Value, 12);
    }
}

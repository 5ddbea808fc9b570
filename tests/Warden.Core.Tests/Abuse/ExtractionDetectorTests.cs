using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Warden.Core.Abuse;

namespace Warden.Core.Tests.Abuse;

public class ExtractionDetectorTests(ITestOutputHelper output)
{
    private const int Seeds = 20;

    private static ExtractionDetector NewDetector(double delta = 0.80, int minimum = 50) => new(new ExtractionDetectorOptions
    {
        Scales = ProbingClients.Scales,
        Lower = ProbingClients.Lower,
        Upper = ProbingClients.Upper,
        Delta = delta,
        MinimumDistances = minimum,
    });

    private static (int Flagged, int MaxQueries) Run(Func<int, IEnumerable<double[]>> client)
    {
        int flagged = 0, worst = 0;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var detector = NewDetector();
            var first = ProbingClients.FirstAlert((k, q) => detector.Observe(k, q), client(seed));
            if (first is int n)
            {
                flagged++;
                worst = Math.Max(worst, n);
            }
        }

        return (flagged, worst);
    }

    [Fact]
    public void Benign_hmda_clients_are_not_flagged_and_probing_clients_are_flagged_quickly()
    {
        var benign = Run(seed => ProbingClients.Benign(seed, 500));
        var jacobian = Run(seed => ProbingClients.JacobianAugmentation(seed, 500));
        var line = Run(seed => ProbingClients.LineSearch(seed, 500));
        var uniform = Run(seed => ProbingClients.UniformBox(seed, 500));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"benign(500 q) flagged {benign.Flagged}/{Seeds}; jacobian {jacobian.Flagged}/{Seeds} max q {jacobian.MaxQueries}; " +
            $"line-search {line.Flagged}/{Seeds} max q {line.MaxQueries}; uniform-box {uniform.Flagged}/{Seeds} max q {uniform.MaxQueries}"));

        // Measured with these seeds: benign 0/20, Jacobian 19/20 (all at query 51), line search 16/20 (≤ 67 queries),
        // uniform box 0/20 (PRADA does not see natural-looking random points; see docs/abuse.md).
        Assert.True(benign.Flagged <= 1, $"false positives {benign.Flagged}/{Seeds}");
        Assert.True(jacobian.Flagged >= 18, $"jacobian detected {jacobian.Flagged}/{Seeds}");
        Assert.True(line.Flagged >= 14, $"line search detected {line.Flagged}/{Seeds}");
        Assert.InRange(jacobian.MaxQueries, 51, 60);
        Assert.InRange(line.MaxQueries, 51, 120);
    }

    [Fact]
    public void Alert_names_the_key_the_statistic_the_threshold_and_the_query_count()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var detector = new ExtractionDetector(
            new ExtractionDetectorOptions { Scales = ProbingClients.Scales, Lower = ProbingClients.Lower, Upper = ProbingClients.Upper },
            time);
        AbuseAlert? alert = null;
        foreach (var q in ProbingClients.JacobianAugmentation(seed: 0, count: 200))
        {
            alert = detector.Observe("key-42", q);
            if (alert is not null)
            {
                break;
            }
        }

        Assert.NotNull(alert);
        Assert.Equal("key-42", alert.KeyId);
        Assert.Equal(AbuseAlertKind.Extraction, alert.Kind);
        Assert.Equal(0.80, alert.Threshold);
        Assert.True(alert.Statistic < 0.80);
        // The first query only seeds the growing set, so 50 distances exist after 51 queries.
        Assert.Equal(51, alert.QueryCount);
        Assert.Equal(time.GetUtcNow(), alert.DetectedAt);
    }

    [Fact]
    public void Keys_are_tracked_separately()
    {
        var detector = NewDetector();
        using var attack = ProbingClients.JacobianAugmentation(0, 300).GetEnumerator();
        using var benign = ProbingClients.Benign(3, 300).GetEnumerator();
        int attackAlerts = 0, benignAlerts = 0;
        while (attack.MoveNext() && benign.MoveNext())
        {
            attackAlerts += detector.Observe("attacker", attack.Current) is null ? 0 : 1;
            benignAlerts += detector.Observe("benign", benign.Current) is null ? 0 : 1;
        }

        Assert.True(attackAlerts > 0);
        Assert.Equal(0, benignAlerts);
        Assert.Equal(2, detector.TrackedKeys);
        Assert.True(detector.Forget("attacker"));
        Assert.Equal(1, detector.TrackedKeys);
    }

    [Fact]
    public void Growing_set_threshold_follows_mean_minus_std_of_member_distances()
    {
        // One feature, scale 1. Queries 0, 10, 20, 30 each join (min distance 10 > T). Member distances (0, 10, 10, 10):
        // mean 7.5, population std √(75 − 56.25) = 4.3301, so T = 7.5 − 4.3301 = 3.1699.
        // Query 31 is 1 away from 30: 1 < T, so it is recorded as a distance but does not join the set.
        var state = new ExtractionKeyState(dimensions: 1, maxSet: 100, maxDistances: 100);
        state.AddToSet([0.0], 0);
        foreach (var x in new[] { 10.0, 20.0, 30.0 })
        {
            double d = state.MinimumDistance([x]);
            Assert.Equal(10.0, d, 12);
            state.RecordDistance(d);
            Assert.True(d > state.Threshold);
            state.AddToSet([x], d);
        }

        Assert.Equal(7.5 - Math.Sqrt(18.75), state.Threshold, 12);
        double last = state.MinimumDistance([31.0]);
        Assert.Equal(1.0, last, 12);
        Assert.True(last <= state.Threshold);
        Assert.Equal(4, state.SetCount);
    }

    [Fact]
    public void Outliers_beyond_three_standard_deviations_are_left_out_of_the_test()
    {
        // 20 distances of 1 and 2 alternating plus one of 100: mean = 130/21 = 6.190, E[d²] = 10050/21 = 478.57,
        // std = √(478.57 − 38.32) = 20.98, so 3σ = 62.95 and |100 − 6.19| = 93.8 exceeds it
        // while |1 − 6.19| and |2 − 6.19| do not: 100 is dropped, the 20 others stay.
        var state = new ExtractionKeyState(1, 10, 100);
        for (int i = 0; i < 20; i++)
        {
            state.RecordDistance(1 + (i % 2));
        }

        state.RecordDistance(100);
        var kept = state.DistancesWithoutOutliers(3.0);
        Assert.Equal(20, kept.Length);
        Assert.DoesNotContain(100.0, kept);
    }

    [Fact]
    public void Memory_per_key_is_capped_by_the_windows()
    {
        var state = new ExtractionKeyState(1, maxSet: 10, maxDistances: 25);
        for (int i = 0; i < 1000; i++)
        {
            state.AddToSet([i * 1.0], 1.0);
            state.RecordDistance(i);
        }

        Assert.Equal(10, state.SetCount);
        Assert.Equal(25, state.DistanceCount);
        // Oldest entries were evicted: only 990..999 remain in the set, 975..999 in the distances.
        Assert.Equal(1.0, state.MinimumDistance([1000.0]), 12);
        Assert.Equal(975.0, state.DistancesWithoutOutliers(100).Min());
    }

    [Fact]
    public void Feature_count_must_match_the_scales()
    {
        var detector = NewDetector();
        Assert.Throws<ArgumentException>(() => detector.Observe("k", [1.0, 2.0]));
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new ExtractionDetector(new ExtractionDetectorOptions { Scales = [1.0, 0.0] }));
        Assert.Throws<ArgumentException>(() => new ExtractionDetector(new ExtractionDetectorOptions { Scales = [1.0], Delta = 1.5 }));
        Assert.Throws<ArgumentException>(() => new ExtractionDetector(new ExtractionDetectorOptions { Scales = [1.0], MaxDistances = 6000 }));
    }
}

using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Warden.Core.Abuse;

namespace Warden.Core.Tests.Abuse;

public class ExtractionDetectorTests(ITestOutputHelper output)
{
    private const int Seeds = 20;

    private static Warden.Bench.Abuse.ExtractionWorkloads Workloads => ProbingClients.Workloads;

    private static ExtractionDetector NewDetector(bool reference = false) => new(new ExtractionDetectorOptions
    {
        Scales = Workloads.Scales,
        Lower = Workloads.Lower,
        Upper = Workloads.Upper,
        Reference = reference ? Workloads.Reference : null,
    });

    private static (int Flagged, int MaxQueries) Run(Func<int, int, IEnumerable<double[]>> client, bool reference = false, int queries = 500)
    {
        int flagged = 0, worst = 0;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var detector = NewDetector(reference);
            var first = ProbingClients.FirstAlert((k, q) => detector.Observe(k, q), client(seed, queries));
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
        var benign = Run(Workloads.Benign);
        var jacobian = Run((s, n) => Workloads.Jacobian(s, n));
        var line = Run(Workloads.LineSearch);
        var perturbation = Run(Workloads.Perturbation);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"benign(500 q) flagged {benign.Flagged}/{Seeds}; jacobian {jacobian.Flagged}/{Seeds} max q {jacobian.MaxQueries}; " +
            $"line-search {line.Flagged}/{Seeds} max q {line.MaxQueries}; perturbation {perturbation.Flagged}/{Seeds} max q {perturbation.MaxQueries}"));

        // PRADA's distance test alone, seeds 0–19 (bench/Warden.Bench abuse-rates has 100 seeds): benign 0/20,
        // Jacobian 19/20 (≤ 56 queries), line search 18/20 (≤ 59), perturbation 20/20 (51).
        Assert.Equal(0, benign.Flagged);
        Assert.True(jacobian.Flagged >= 18, $"jacobian detected {jacobian.Flagged}/{Seeds}");
        Assert.True(line.Flagged >= 17, $"line search detected {line.Flagged}/{Seeds}");
        Assert.Equal(Seeds, perturbation.Flagged);
        Assert.InRange(jacobian.MaxQueries, 51, 60);
        Assert.InRange(line.MaxQueries, 51, 120);
    }

    [Fact]
    public void An_honest_client_replaying_and_retrying_real_applications_is_not_flagged()
    {
        // Issue 17: retries and reopened cases put exact repeats into the stream; their distance 0 failed the normality
        // test (5 of these 20 seeds were flagged within 500 queries before replays were filtered).
        var replaying = Run(Workloads.Replaying);
        var withReference = Run(Workloads.Replaying, reference: true);
        output.WriteLine($"replaying clients flagged {replaying.Flagged}/{Seeds}, with the reference test {withReference.Flagged}/{Seeds}");
        Assert.Equal(0, replaying.Flagged);
        Assert.Equal(0, withReference.Flagged);
    }

    [Fact]
    public void A_prober_hiding_behind_three_real_rows_per_probe_is_caught_by_the_reference_test()
    {
        // Issue 17: an attacker interleaving 3 real rows per synthetic probe was never caught by the distance test.
        var hidden = Run((s, n) => Workloads.Interleaved(s, n, real: 3), reference: true);
        var rounded = Run((s, n) => Workloads.Interleaved(s, n, real: 3, round: true), reference: true);
        var uniform = Run(Workloads.Uniform, reference: true);
        var benign = Run(Workloads.Benign, reference: true);
        output.WriteLine($"interleaved {hidden.Flagged}/{Seeds} max q {hidden.MaxQueries}; rounded {rounded.Flagged}/{Seeds} max q {rounded.MaxQueries}; uniform {uniform.Flagged}/{Seeds}; benign {benign.Flagged}/{Seeds}");
        Assert.Equal(Seeds, hidden.Flagged);
        Assert.InRange(hidden.MaxQueries, 51, 80);
        Assert.Equal(Seeds, rounded.Flagged);
        Assert.Equal(Seeds, uniform.Flagged);
        Assert.Equal(0, benign.Flagged);
    }

    [Fact]
    public void Replays_of_recent_queries_are_counted_but_not_recorded_as_distances()
    {
        var state = new ExtractionKeyState(dimensions: 2, maxSet: 10, maxDistances: 3);
        Assert.False(state.IsReplay([0.0, 0.0], 1e-6));
        Assert.False(state.IsReplay([1.0, 0.0], 1e-6));
        Assert.True(state.IsReplay([0.0, 0.0], 1e-6));
        Assert.True(state.IsReplay([1.0, 5e-7], 1e-6));
        Assert.False(state.IsReplay([1.0, 2e-6], 1e-6));
        Assert.False(state.IsReplay([2.0, 0.0], 1e-6));
        // The window holds 3 distinct queries: (0, 0) was evicted by (2, 0), so it is new again.
        Assert.False(state.IsReplay([0.0, 0.0], 1e-6));

        var detector = NewDetector();
        var row = Workloads.Applicants[0];
        for (int i = 0; i < 500; i++)
        {
            Assert.Null(detector.Observe("retrying", row));
        }
    }

    [Fact]
    public void Binomial_tail_matches_an_exact_rational_computation()
    {
        // Σ_{i ≥ k} C(n, i) pⁱ (1 − p)ⁿ⁻ⁱ with Python's fractions and math.comb.
        Assert.Equal(6.109086650968784e-07, ExtractionReference.UpperTail(9, 50, 0.02), 1e-18);
        Assert.Equal(1.4857401387301496e-05, ExtractionReference.UpperTail(15, 200, 0.02), 1e-16);
        Assert.Equal(0.9717524751, ExtractionReference.UpperTail(1, 10, 0.3), 1e-12);
        Assert.Equal(0.5685050268384956, ExtractionReference.UpperTail(4, 200, 0.02), 1e-12);
        Assert.Equal(2.625242123020029e-39, ExtractionReference.UpperTail(50, 200, 0.02) , 1e-50);
        Assert.Equal(1.0, ExtractionReference.UpperTail(0, 5, 0.5));
    }

    [Fact]
    public void Reference_bound_and_supports_match_a_brute_force_computation()
    {
        // Python's statistics.quantiles(method="inclusive") is the type-7 quantile.
        Assert.Equal(8.79, ExtractionReference.QuantileOf([3, 1, 4, 1, 5, 9, 2, 6], 0.99), 12);
        Assert.Equal(1.75, ExtractionReference.QuantileOf([3, 1, 4, 1, 5, 9, 2, 6], 0.25), 12);
        Assert.Equal(3.5, ExtractionReference.QuantileOf([3, 1, 4, 1, 5, 9, 2, 6], 0.5), 12);

        // Leave-one-out nearest-neighbour distances of these rows (brute force with math.dist): 1, 1, √2, 2√2, 1, √13;
        // their median is (1 + √2)/2 = 1.2071.
        double[][] rows = [[0, 0], [1, 0], [0, 2], [3, 3], [1, 1], [5, 0]];
        var reference = new ExtractionReference(rows, rows, 0.5);
        Assert.Equal((1 + Math.Sqrt(2)) / 2, reference.DistanceBound, 12);
        Assert.Equal(2, reference.DiscreteFeatures);
        Assert.False(reference.IsAtypical([1, 2], [1, 2]));     // values seen; 1.0 from (0, 2) and (1, 1)
        Assert.True(reference.IsAtypical([3, 0], [3, 0]));      // values seen, but 2.0 from every row
        Assert.True(reference.IsAtypical([2, 2], [2, 2]));      // 2 is not a value of the first feature
        Assert.False(reference.IsAtypical([1.0000001, 0], [1, 0])); // FP32 rounding of a seen value
    }

    [Fact]
    public void Alert_names_the_key_the_statistic_the_threshold_and_the_query_count()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var detector = new ExtractionDetector(
            new ExtractionDetectorOptions { Scales = Workloads.Scales, Lower = Workloads.Lower, Upper = Workloads.Upper },
            time);
        AbuseAlert? alert = null;
        foreach (var q in Workloads.Perturbation(seed: 0, count: 200))
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
        using var attack = Workloads.Jacobian(0, 300).GetEnumerator();
        using var benign = Workloads.Benign(3, 300).GetEnumerator();
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

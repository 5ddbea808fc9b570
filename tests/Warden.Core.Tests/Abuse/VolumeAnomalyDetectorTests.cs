using Microsoft.Extensions.Time.Testing;
using Warden.Core.Abuse;

namespace Warden.Core.Tests.Abuse;

public class VolumeAnomalyDetectorTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Usual_rate_is_the_ewma_of_closed_buckets_with_empty_buckets_as_zero()
    {
        // α = 0.5. Buckets: 4 requests, then 2, then two empty minutes, then one request in minute 4.
        // S₁ = 4; S₂ = 0.5·2 + 0.5·4 = 3; S₃ = 0.5·0 + 0.5·3 = 1.5; S₄ = 0.75.
        var time = new FakeTimeProvider(Start);
        var detector = new VolumeAnomalyDetector(new VolumeAnomalyDetectorOptions { Alpha = 0.5 }, time);
        Send(detector, 4);
        time.Advance(TimeSpan.FromMinutes(1));
        Send(detector, 2);
        Assert.Equal(4.0, detector.UsualRate("k"));
        time.Advance(TimeSpan.FromMinutes(3));
        Send(detector, 1);
        Assert.Equal(0.75, detector.UsualRate("k")!.Value, 12);
    }

    [Fact]
    public void Spike_above_k_times_the_usual_rate_is_flagged_once_per_bucket()
    {
        var time = new FakeTimeProvider(Start);
        var detector = new VolumeAnomalyDetector(new VolumeAnomalyDetectorOptions { Multiplier = 5, WarmupBuckets = 10 }, time);
        for (int minute = 0; minute < 20; minute++)
        {
            Assert.Empty(Send(detector, 10));
            time.Advance(TimeSpan.FromMinutes(1));
        }

        // EWMA of a constant 10 is 10, so the threshold is 5·10 = 50 and the 51st request of the minute fires.
        var alerts = Send(detector, 80);
        var alert = Assert.Single(alerts);
        Assert.Equal(AbuseAlertKind.VolumeSpike, alert.Kind);
        Assert.Equal(51, alert.Statistic);
        Assert.Equal(50, alert.Threshold, 9);
        Assert.Equal(20 * 10 + 51, alert.QueryCount);
        Assert.Equal(time.GetUtcNow(), alert.DetectedAt);
    }

    [Fact]
    public void No_alert_during_warm_up()
    {
        var time = new FakeTimeProvider(Start);
        var detector = new VolumeAnomalyDetector(new VolumeAnomalyDetectorOptions { WarmupBuckets = 10 }, time);
        for (int minute = 0; minute < 10; minute++)
        {
            Assert.Empty(Send(detector, minute == 9 ? 1000 : 1));
            time.Advance(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public void Small_counts_never_alert_even_after_a_silent_history()
    {
        var time = new FakeTimeProvider(Start);
        var detector = new VolumeAnomalyDetector(new VolumeAnomalyDetectorOptions { WarmupBuckets = 3, MinimumCount = 20 }, time);
        Send(detector, 1);
        time.Advance(TimeSpan.FromHours(2));
        Assert.Empty(Send(detector, 19));
        Assert.Single(Send(detector, 1));
    }

    [Fact]
    public void Noisy_steady_traffic_is_not_flagged()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var rng = new Random(seed);
            var time = new FakeTimeProvider(Start);
            var detector = new VolumeAnomalyDetector(new VolumeAnomalyDetectorOptions(), time);
            for (int minute = 0; minute < 200; minute++)
            {
                Assert.Empty(Send(detector, rng.Next(5, 31)));
                time.Advance(TimeSpan.FromMinutes(1));
            }
        }
    }

    [Fact]
    public void Keys_have_separate_rates()
    {
        var time = new FakeTimeProvider(Start);
        var detector = new VolumeAnomalyDetector(new VolumeAnomalyDetectorOptions { WarmupBuckets = 2 }, time);
        for (int minute = 0; minute < 5; minute++)
        {
            Send(detector, 100, "busy");
            Send(detector, 10, "quiet");
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Empty(Send(detector, 100, "busy"));
        Assert.Single(Send(detector, 100, "quiet"));
        Assert.Equal(2, detector.TrackedKeys);
    }

    private static List<AbuseAlert> Send(VolumeAnomalyDetector detector, int count, string key = "k")
    {
        var alerts = new List<AbuseAlert>();
        for (int i = 0; i < count; i++)
        {
            if (detector.Observe(key) is { } a)
            {
                alerts.Add(a);
            }
        }

        return alerts;
    }
}

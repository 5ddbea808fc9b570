using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Warden.Edge;

namespace Warden.Server.Tests.Edge;

public sealed class EdgeBuildingBlockTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-edge-blocks", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Telemetry_sequence_numbers_survive_a_restart_and_are_never_reused()
    {
        var time = new FakeTimeProvider();
        var buffer = new TelemetryBuffer(_dir, 1 << 20, time);
        Assert.Equal(1, buffer.Append("prediction", JsonSerializer.SerializeToElement(new { n = 1 })));
        Assert.Equal(2, buffer.Append("prediction", JsonSerializer.SerializeToElement(new { n = 2 })));
        buffer.Remove([1, 2]);
        buffer.Close();

        // A restart with an empty buffer must continue at 3: the server already holds 1 and 2 and would drop a reused number.
        var reopened = new TelemetryBuffer(_dir, 1 << 20, time);
        Assert.Equal(3, reopened.Append("prediction", JsonSerializer.SerializeToElement(new { n = 3 })));
        Assert.Equal([3L], reopened.Peek(10).Select(r => r.Sequence));
        Assert.Equal(buffer.Epoch, reopened.Epoch);
    }

    [Fact]
    public void Telemetry_after_a_crash_skips_ahead_rather_than_reusing_a_number()
    {
        var time = new FakeTimeProvider();
        var buffer = new TelemetryBuffer(_dir, 1 << 20, time);
        Assert.Equal(1, buffer.Append("prediction", JsonSerializer.SerializeToElement(new { n = 1 })));
        Assert.Equal(2, buffer.Append("prediction", JsonSerializer.SerializeToElement(new { n = 2 })));
        buffer.Remove([1, 2]);

        // No Close: the process died. The reopened buffer starts past every number it may have handed out.
        var reopened = new TelemetryBuffer(_dir, 1 << 20, time);
        Assert.True(reopened.Append("prediction", JsonSerializer.SerializeToElement(new { n = 3 })) > 2);
    }

    [Fact]
    public void A_wiped_telemetry_directory_starts_a_new_epoch()
    {
        var first = new TelemetryBuffer(_dir, 1 << 20, new FakeTimeProvider());
        Assert.Equal(1, first.Append("prediction", JsonSerializer.SerializeToElement(new { n = 1 })));
        Directory.Delete(_dir, recursive: true);

        var wiped = new TelemetryBuffer(_dir, 1 << 20, new FakeTimeProvider());
        Assert.Equal(1, wiped.Append("prediction", JsonSerializer.SerializeToElement(new { n = 1 })));
        Assert.NotEqual(first.Epoch, wiped.Epoch);
        Assert.Matches("^[0-9a-f]{32}$", wiped.Epoch);
    }

    [Fact]
    public void Telemetry_pending_counts_and_peeks_follow_appends_and_acknowledgements()
    {
        var buffer = new TelemetryBuffer(_dir, 1 << 20, new FakeTimeProvider());
        for (var i = 1; i <= 5; i++)
        {
            buffer.Append("prediction", JsonSerializer.SerializeToElement(new { n = i }));
        }

        Assert.Equal(5, buffer.Pending);
        buffer.Remove([1, 2]);
        Assert.Equal([3L, 4], buffer.Peek(2).Select(r => r.Sequence));
        Assert.Equal(3, buffer.Pending);
        Assert.Equal(Directory.GetFiles(_dir, "*.json").Sum(f => new FileInfo(f).Length), buffer.PendingBytes);

        // A restart rebuilds the index from the files.
        var reopened = new TelemetryBuffer(_dir, 1 << 20, new FakeTimeProvider());
        Assert.Equal(3, reopened.Pending);
        Assert.Equal([3L, 4, 5], reopened.Peek(10).Select(r => r.Sequence));
    }

    [Fact]
    public void Telemetry_beyond_the_cap_drops_the_oldest_records()
    {
        var buffer = new TelemetryBuffer(_dir, 600, new FakeTimeProvider());
        for (var i = 0; i < 20; i++)
        {
            buffer.Append("prediction", JsonSerializer.SerializeToElement(new { payload = new string('x', 50) }));
        }

        var kept = buffer.Peek(100).Select(r => r.Sequence).ToList();
        Assert.True(buffer.Dropped > 0);
        Assert.Equal(20, kept.Count + buffer.Dropped);
        Assert.Equal(20, kept[^1]);
        Assert.Equal(Enumerable.Range((int)kept[0], kept.Count).Select(i => (long)i), kept);
        Assert.True(Directory.GetFiles(_dir, "*.json").Sum(f => new FileInfo(f).Length) <= 600);
    }

    [Fact]
    public void Breaker_opens_after_the_threshold_and_lets_a_trial_call_through_after_the_cooldown()
    {
        var time = new FakeTimeProvider();
        var breaker = new CircuitBreaker(2, TimeSpan.FromSeconds(30), time);
        breaker.Failure();
        Assert.True(breaker.AllowCall());
        breaker.Failure();
        Assert.False(breaker.AllowCall());
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(breaker.AllowCall());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(breaker.AllowCall());
        breaker.Failure();
        Assert.False(breaker.AllowCall()); // the trial failed: open again
        time.Advance(TimeSpan.FromSeconds(30));
        breaker.Success();
        breaker.Failure();
        Assert.True(breaker.AllowCall()); // success reset the count
    }
}

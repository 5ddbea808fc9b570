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
        Assert.Equal(1, buffer.Append("prediction", new { n = 1 }));
        Assert.Equal(2, buffer.Append("prediction", new { n = 2 }));
        buffer.Remove([1, 2]);

        // A restart with an empty buffer must continue at 3: the server already holds 1 and 2 and would drop a reused number.
        var reopened = new TelemetryBuffer(_dir, 1 << 20, time);
        Assert.Equal(3, reopened.Append("prediction", new { n = 3 }));
        Assert.Equal([3L], reopened.Peek(10).Select(r => r.Sequence));
    }

    [Fact]
    public void Telemetry_beyond_the_cap_drops_the_oldest_records()
    {
        var buffer = new TelemetryBuffer(_dir, 600, new FakeTimeProvider());
        for (var i = 0; i < 20; i++)
        {
            buffer.Append("prediction", new { payload = new string('x', 50) });
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

using Warden.Core;
using Warden.Redis;
using Warden.Redis.RateLimiting;

namespace Warden.Server.Tests.Redis;

public sealed class RedisRateLimitBackendTests
{
    [Fact]
    public void TryTake_bucket_is_shared_by_two_replicas()
    {
        var (a, b, dispose) = TwoReplicas();
        using (dispose)
        {
            // 0.001 token/s: no refill during the test, whatever the machine's speed.
            Assert.True(a.TryTake("k:1\nrate", 0.001, 4).Allowed);
            Assert.True(b.TryTake("k:1\nrate", 0.001, 4).Allowed);
            Assert.True(a.TryTake("k:1\nrate", 0.001, 4).Allowed);
            var last = b.TryTake("k:1\nrate", 0.001, 4);
            Assert.True(last.Allowed);
            Assert.Equal(0, last.Remaining);
            var refused = a.TryTake("k:1\nrate", 0.001, 4);
            Assert.False(refused.Allowed);
            Assert.True(refused.RetryAfter > TimeSpan.FromSeconds(100));
            Assert.False(b.TryTake("k:1\nrate", 0.001, 4).Allowed);
            Assert.True(b.TryTake("k:2\nrate", 0.001, 4).Allowed);
        }
    }

    [Fact]
    public void TryCount_quota_is_shared_and_keyed_by_window()
    {
        var (a, b, dispose) = TwoReplicas();
        using (dispose)
        {
            var day = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
            Assert.True(a.TryCount("k:1\nday", 3, day, day.AddDays(1)).Allowed);
            Assert.True(b.TryCount("k:1\nday", 3, day, day.AddDays(1)).Allowed);
            Assert.Equal(0, a.TryCount("k:1\nday", 3, day, day.AddDays(1)).Remaining);
            Assert.False(b.TryCount("k:1\nday", 3, day, day.AddDays(1)).Allowed);
            Assert.True(b.TryCount("k:1\nday", 3, day.AddDays(1), day.AddDays(2)).Allowed);
        }
    }

    [Fact]
    public void TryEnter_slots_are_shared_and_freed_on_dispose()
    {
        var (a, b, dispose) = TwoReplicas();
        using (dispose)
        {
            var first = a.TryEnter("k:1", 2);
            var second = b.TryEnter("k:1", 2);
            Assert.NotNull(first);
            Assert.NotNull(second);
            Assert.Null(a.TryEnter("k:1", 2));
            first!.Dispose();
            // The release went out on a's connection, so a's next command is ordered after it.
            var third = a.TryEnter("k:1", 2);
            Assert.NotNull(third);
            third!.Dispose();
            second!.Dispose();
        }
    }

    [Fact]
    public void Unreachable_redis_fails_open_by_default()
    {
        using var redis = RedisTestServer.Connect(RedisTestServer.Unreachable, RedisTestServer.NewPrefix());
        var backend = new RedisRateLimitBackend(redis, TimeProvider.System);
        Assert.True(backend.TryTake("k:1\nrate", 1, 1).Allowed);
        Assert.True(backend.TryTake("k:1\nrate", 1, 1).Allowed);
        Assert.True(backend.TryCount("k:1\nday", 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1)).Allowed);
        using var slot = backend.TryEnter("k:1", 1);
        Assert.NotNull(slot);
    }

    [Fact]
    public void Unreachable_redis_fails_closed_with_503_when_configured()
    {
        using var redis = RedisTestServer.Connect(RedisTestServer.Unreachable, RedisTestServer.NewPrefix(), RedisOptions.FailClosed);
        var backend = new RedisRateLimitBackend(redis, TimeProvider.System);
        var error = Assert.Throws<WardenException>(() => backend.TryTake("k:1\nrate", 1, 1));
        Assert.Equal(503, error.StatusCode);
        Assert.Equal("1", error.Headers!["Retry-After"]);
        Assert.Equal(503, Assert.Throws<WardenException>(() => backend.TryEnter("k:1", 1)).StatusCode);
    }

    private static (RedisRateLimitBackend A, RedisRateLimitBackend B, IDisposable Dispose) TwoReplicas()
    {
        var address = RedisTestServer.Require();
        var prefix = RedisTestServer.NewPrefix();
        var first = RedisTestServer.Connect(address, prefix);
        var second = RedisTestServer.Connect(address, prefix);
        return (new RedisRateLimitBackend(first, TimeProvider.System), new RedisRateLimitBackend(second, TimeProvider.System), new Both(first, second));
    }

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }
}

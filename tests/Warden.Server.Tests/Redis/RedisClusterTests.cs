using Microsoft.Extensions.Logging.Abstractions;
using Warden.Core.Cluster;
using Warden.Redis.Cluster;

namespace Warden.Server.Tests.Redis;

public sealed class RedisClusterTests
{
    [Fact]
    public async Task PublishAsync_reaches_the_other_replica_with_its_origin()
    {
        var address = RedisTestServer.Require();
        var prefix = RedisTestServer.NewPrefix();
        using var first = RedisTestServer.Connect(address, prefix);
        using var second = RedisTestServer.Connect(address, prefix);
        var sender = new RedisClusterSignals(first, NullLogger<RedisClusterSignals>.Instance);
        var receiver = new RedisClusterSignals(second, NullLogger<RedisClusterSignals>.Instance);
        var received = new TaskCompletionSource<ClusterSignal>(TaskCreationOptions.RunContinuationsAsynchronously);
        await receiver.SubscribeAsync(signal =>
        {
            received.TrySetResult(signal);
            return Task.CompletedTask;
        }, TestContext.Current.CancellationToken);

        await sender.PublishAsync(ClusterSignal.Models, TestContext.Current.CancellationToken);

        var signal = await received.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.Equal(ClusterSignal.Models, signal.Kind);
        Assert.Equal(sender.InstanceId, signal.Origin);
        Assert.NotEqual(sender.InstanceId, receiver.InstanceId);
    }

    [Fact]
    public async Task TryClaimTickAsync_grants_each_tick_to_one_replica()
    {
        var address = RedisTestServer.Require();
        var prefix = RedisTestServer.NewPrefix();
        using var first = RedisTestServer.Connect(address, prefix);
        using var second = RedisTestServer.Connect(address, prefix);
        var a = new RedisJobLeases(first, TimeProvider.System, NullLogger<RedisJobLeases>.Instance);
        var b = new RedisJobLeases(second, TimeProvider.System, NullLogger<RedisJobLeases>.Instance);
        var ct = TestContext.Current.CancellationToken;

        Assert.True(await a.TryClaimTickAsync("monitoring", 7, TimeSpan.FromMinutes(1), ct));
        Assert.False(await b.TryClaimTickAsync("monitoring", 7, TimeSpan.FromMinutes(1), ct));
        Assert.False(await a.TryClaimTickAsync("monitoring", 7, TimeSpan.FromMinutes(1), ct));
        Assert.True(await b.TryClaimTickAsync("monitoring", 8, TimeSpan.FromMinutes(1), ct));
        Assert.True(await a.TryClaimTickAsync("review-sweep", 7, TimeSpan.FromMinutes(1), ct));
    }

    [Fact]
    public async Task TryAcquireAsync_is_exclusive_until_released()
    {
        var address = RedisTestServer.Require();
        var prefix = RedisTestServer.NewPrefix();
        using var first = RedisTestServer.Connect(address, prefix);
        using var second = RedisTestServer.Connect(address, prefix);
        var a = new RedisJobLeases(first, TimeProvider.System, NullLogger<RedisJobLeases>.Instance);
        var b = new RedisJobLeases(second, TimeProvider.System, NullLogger<RedisJobLeases>.Instance);
        var ct = TestContext.Current.CancellationToken;

        var held = await a.TryAcquireAsync("retraining", ct);
        Assert.NotNull(held);
        Assert.True(held!.IsHeld);
        Assert.Null(await b.TryAcquireAsync("retraining", ct));
        await held.DisposeAsync();
        await using var next = await b.TryAcquireAsync("retraining", ct);
        Assert.NotNull(next);
    }

    [Fact]
    public async Task Unreachable_redis_claims_nothing()
    {
        using var redis = RedisTestServer.Connect(RedisTestServer.Unreachable, RedisTestServer.NewPrefix());
        var leases = new RedisJobLeases(redis, TimeProvider.System, NullLogger<RedisJobLeases>.Instance);
        Assert.False(await leases.TryClaimTickAsync("monitoring", 1, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken));
        Assert.Null(await leases.TryAcquireAsync("retraining", TestContext.Current.CancellationToken));
    }
}

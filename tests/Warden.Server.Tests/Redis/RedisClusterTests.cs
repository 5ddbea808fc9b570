using Microsoft.Extensions.Logging.Abstractions;
using Warden.Core.Cluster;
using Warden.Redis;
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
        var sender = Signals(first);
        var receiver = Signals(second);
        var received = new TaskCompletionSource<ClusterSignal>(TaskCreationOptions.RunContinuationsAsynchronously);
        await receiver.SubscribeAsync(signal =>
        {
            // A resync may arrive at any time (the connection reporting itself restored, seen in CI): it is not the message.
            if (signal.Kind != ClusterSignal.Resync)
            {
                received.TrySetResult(signal);
            }

            return Task.CompletedTask;
        }, TestContext.Current.CancellationToken);

        await sender.PublishAsync(ClusterSignal.Models, TestContext.Current.CancellationToken);

        var signal = await received.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.Equal(ClusterSignal.Models, signal.Kind);
        Assert.Equal(sender.InstanceId, signal.Origin);
        Assert.NotEqual(sender.InstanceId, receiver.InstanceId);
    }

    [Fact]
    public async Task A_change_whose_announcement_was_lost_is_reloaded_from_the_change_counter()
    {
        var address = RedisTestServer.Require();
        var prefix = RedisTestServer.NewPrefix();
        var ct = TestContext.Current.CancellationToken;
        using var connection = RedisTestServer.Connect(address, prefix);
        using var receiver = Signals(connection);
        var (resynced, handle) = AwaitSignal(ClusterSignal.Resync);

        await receiver.SubscribeAsync(handle, ct);
        await receiver.ReconcileOnceAsync(handle); // the first read only notes where the counter stands

        // Another replica counted a change but its pub/sub message never arrived (as after a Redis restart).
        await connection.Database.StringIncrementAsync(connection.Key("generation"));
        await receiver.ReconcileOnceAsync(handle);

        await resynced.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        Assert.False(await receiver.ReconcileOnceAsync(handle)); // nothing new since
    }

    [Fact]
    public async Task A_counter_that_went_back_after_a_redis_restart_triggers_a_reload()
    {
        var address = RedisTestServer.Require();
        var prefix = RedisTestServer.NewPrefix();
        var ct = TestContext.Current.CancellationToken;
        using var connection = RedisTestServer.Connect(address, prefix);
        using var receiver = Signals(connection);
        var (resynced, handle) = AwaitSignal(ClusterSignal.Resync);

        await connection.Database.StringSetAsync(connection.Key("generation"), 5);
        await receiver.SubscribeAsync(handle, ct);
        await receiver.ReconcileOnceAsync(handle);

        await connection.Database.KeyDeleteAsync(connection.Key("generation")); // a restarted Redis without persistence
        await receiver.ReconcileOnceAsync(handle);

        await resynced.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
    }

    [Fact]
    public async Task Announcements_delivered_on_the_channel_need_no_reload()
    {
        var address = RedisTestServer.Require();
        var prefix = RedisTestServer.NewPrefix();
        var ct = TestContext.Current.CancellationToken;
        using var first = RedisTestServer.Connect(address, prefix);
        using var second = RedisTestServer.Connect(address, prefix);
        using var sender = Signals(first);
        using var receiver = Signals(second);
        var (delivered, handle) = AwaitSignal(ClusterSignal.Keys);

        await receiver.SubscribeAsync(handle, ct);
        await sender.SubscribeAsync(_ => Task.CompletedTask, ct);
        await receiver.ReconcileOnceAsync(handle);
        await sender.ReconcileOnceAsync(_ => Task.CompletedTask);

        await sender.PublishAsync(ClusterSignal.Keys, ct);
        await delivered.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);

        Assert.False(await receiver.ReconcileOnceAsync(handle));
        Assert.False(await sender.ReconcileOnceAsync(_ => Task.CompletedTask)); // its own change is not a reason to reload
    }

    [Fact]
    public async Task TryClaimTickAsync_grants_each_tick_to_one_replica()
    {
        var address = RedisTestServer.Require();
        var prefix = RedisTestServer.NewPrefix();
        using var first = RedisTestServer.Connect(address, prefix);
        using var second = RedisTestServer.Connect(address, prefix);
        var a = Leases(first);
        var b = Leases(second);
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
        var a = Leases(first);
        var b = Leases(second);
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
        var leases = Leases(redis);
        Assert.False(await leases.TryClaimTickAsync("monitoring", 1, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken));
        Assert.Null(await leases.TryAcquireAsync("retraining", TestContext.Current.CancellationToken));
    }

    private static RedisClusterSignals Signals(RedisConnection connection) =>
        new(connection, TimeProvider.System, NullLogger<RedisClusterSignals>.Instance);

    private static RedisJobLeases Leases(RedisConnection connection) =>
        new(connection, TimeProvider.System, NullLogger<RedisJobLeases>.Instance);

    // A subscription handler that completes the returned task the first time a signal of the given kind arrives.
    private static (TaskCompletionSource Arrived, Func<ClusterSignal, Task> Handle) AwaitSignal(string kind)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (arrived, signal =>
        {
            if (signal.Kind == kind)
            {
                arrived.TrySetResult();
            }

            return Task.CompletedTask;
        });
    }
}

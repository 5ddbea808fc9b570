using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Warden.Core.Cluster;

namespace Warden.Redis.Cluster;

/// <summary>
/// Cluster signals over Redis pub/sub (channel <c>&lt;prefix&gt;signals</c>, message <c>kind|origin|generation</c>).
/// Pub/sub keeps nothing for a subscriber that is away, and after a Redis restart a replica's subscription may come back
/// after another replica has already published (or its restore event may fire before the channel is subscribed again),
/// so delivery alone can lose a change for good. Every change therefore also increments a counter
/// (<c>&lt;prefix&gt;generation</c>); each replica reads it every <see cref="RedisOptions.ReconcileSeconds"/> and
/// reloads everything (<see cref="ClusterSignal.Resync"/>) when it moved past what the channel delivered, or went back
/// (Redis restarted empty). A lost announcement thus costs at most one interval, never a stale replica.
/// </summary>
public sealed partial class RedisClusterSignals(RedisConnection redis, TimeProvider time, ILogger<RedisClusterSignals> logger) : IClusterSignals, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    // The generation this replica's caches reflect; -1 until first read. Changed only by compare-and-swap.
    private long _seen = -1;

    // 1 when this replica changed something while Redis was unreachable: the counter is bumped once it is back.
    private int _uncounted;

    public string InstanceId { get; } = Environment.MachineName + "/" + Environment.ProcessId + "/" + Guid.NewGuid().ToString("N")[..8];

    private RedisChannel Channel => RedisChannel.Literal(redis.Key("signals"));

    private RedisKey GenerationKey => redis.Key("generation");

    public async Task PublishAsync(string kind, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!redis.IsAvailable)
            {
                Volatile.Write(ref _uncounted, 1);
                redis.ReportUnavailable("signal", "lost", null);
                return;
            }

            var generation = await CountChangeAsync().ConfigureAwait(false);
            await redis.Subscriber.PublishAsync(Channel, kind + "|" + InstanceId + "|" + generation.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            // The others see the counter move (or go back after a restart) on their next read and reload then.
            Volatile.Write(ref _uncounted, 1);
            redis.ReportUnavailable("signal", "lost", ex);
        }
    }

    public async Task SubscribeAsync(Func<ClusterSignal, Task> handler, CancellationToken cancellationToken = default)
    {
        redis.Restored += (_, _) => _ = handler(new ClusterSignal(ClusterSignal.Resync, "redis"));
        try
        {
            // A message queue delivers in order, one at a time: two quick changes are reloaded in the order they were made.
            var queue = await redis.Subscriber.SubscribeAsync(Channel).ConfigureAwait(false);
            queue.OnMessage(message =>
            {
                var signal = Parse(message.Message, out var generation);
                if (generation > 0)
                {
                    // Delivered in order: this replica is now as current as the counter says, so the next read need not resync.
                    Interlocked.CompareExchange(ref _seen, generation, generation - 1);
                }

                return handler(signal);
            });
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            // StackExchange.Redis re-establishes subscriptions when it reconnects; the generation check repairs the gap.
            LogSubscribeFailed(ex);
        }

        _ = ReconcileAsync(handler, _stopping.Token);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>Reads the change counter once and resyncs when it differs from what this replica has applied (for the loop and tests).</summary>
    public async Task<bool> ReconcileOnceAsync(Func<ClusterSignal, Task> handler)
    {
        if (!redis.IsAvailable)
        {
            return false;
        }

        if (Interlocked.Exchange(ref _uncounted, 0) == 1)
        {
            await CountChangeAsync().ConfigureAwait(false);
        }

        var value = await redis.Database.StringGetAsync(GenerationKey).ConfigureAwait(false);
        var current = value.IsNull ? 0 : (long)value;
        var seen = Interlocked.Exchange(ref _seen, current);
        if (seen == -1 || seen == current)
        {
            return false;
        }

        LogGenerationMoved(seen, current);
        await handler(new ClusterSignal(ClusterSignal.Resync, "generation")).ConfigureAwait(false);
        return true;
    }

    private async Task ReconcileAsync(Func<ClusterSignal, Task> handler, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(redis.Options.ReconcileSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await ReconcileOnceAsync(handler).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or RedisServerException)
                {
                    // Unreachable now: the next tick tries again, and the counter will differ if anything was missed.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<long> CountChangeAsync()
    {
        var generation = await redis.Database.StringIncrementAsync(GenerationKey).ConfigureAwait(false);
        // This replica's own change needs no reload here; any other change in between makes the swap fail and the next read resync.
        Interlocked.CompareExchange(ref _seen, generation, generation - 1);
        return generation;
    }

    private static ClusterSignal Parse(RedisValue message, out long generation)
    {
        var parts = ((string?)message ?? "").Split('|');
        generation = parts.Length > 2 && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : 0;
        return new ClusterSignal(parts[0], parts.Length > 1 ? parts[1] : "");
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not subscribe to cluster signals yet; the subscription is made when Redis is reachable")]
    private partial void LogSubscribeFailed(Exception exception);

    [LoggerMessage(2, LogLevel.Information, "Cluster change counter moved from {Seen} to {Current} without a matching announcement; reloading cached state")]
    private partial void LogGenerationMoved(long seen, long current);
}

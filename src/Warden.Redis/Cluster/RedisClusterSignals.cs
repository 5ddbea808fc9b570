using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Warden.Core.Cluster;

namespace Warden.Redis.Cluster;

/// <summary>
/// Cluster signals over Redis pub/sub (channel <c>&lt;prefix&gt;signals</c>, message <c>kind|origin</c>). Pub/sub keeps
/// nothing for a subscriber that was away, so a replica whose subscription comes back after an outage hands itself a
/// <see cref="ClusterSignal.Resync"/> and reloads everything from the shared store.
/// </summary>
public sealed partial class RedisClusterSignals(RedisConnection redis, ILogger<RedisClusterSignals> logger) : IClusterSignals
{
    public string InstanceId { get; } = Environment.MachineName + "/" + Environment.ProcessId + "/" + Guid.NewGuid().ToString("N")[..8];

    private RedisChannel Channel => RedisChannel.Literal(redis.Key("signals"));

    public async Task PublishAsync(string kind, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!redis.IsAvailable)
            {
                redis.ReportUnavailable("signal", "lost", null);
                return;
            }

            await redis.Subscriber.PublishAsync(Channel, kind + "|" + InstanceId).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            // The others resync when their own connection returns; one that never lost it reloads on the next signal.
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
            queue.OnMessage(message => handler(Parse(message.Message)));
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            // StackExchange.Redis re-establishes subscriptions when it reconnects; Restored then triggers a resync.
            LogSubscribeFailed(ex);
        }
    }

    private static ClusterSignal Parse(RedisValue message)
    {
        var text = (string?)message ?? "";
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? new ClusterSignal(text, "") : new ClusterSignal(text[..bar], text[(bar + 1)..]);
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not subscribe to cluster signals yet; the subscription is made when Redis is reachable")]
    private partial void LogSubscribeFailed(Exception exception);
}

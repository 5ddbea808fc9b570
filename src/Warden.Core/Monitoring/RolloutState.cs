using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Warden.Core.Monitoring;

/// <summary>In-memory rollout state: canary counters per plan version and the queue of shadow copies.</summary>
public sealed class RolloutState
{
    private readonly ConcurrentDictionary<(string Model, string Version, int Plan), CanaryStats> _canaries = new();
    private long _shadowDropped;
    private long _shadowFailed;

    /// <summary>Shadow copies waiting to run; bounded so a slow shadow never holds production memory (oldest dropped).</summary>
    public Channel<ShadowJob> Shadow { get; } = Channel.CreateBounded<ShadowJob>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Shadow copies dropped because the queue was full.</summary>
    public long ShadowDropped => Interlocked.Read(ref _shadowDropped);

    /// <summary>Shadow runs that failed.</summary>
    public long ShadowFailed => Interlocked.Read(ref _shadowFailed);

    /// <summary>Counters of a canary under plan version <paramref name="plan"/>.</summary>
    public CanaryStats Canary(string model, string version, int plan) => _canaries.GetOrAdd((model, version, plan), _ => new CanaryStats());

    /// <summary>Queues a shadow copy.</summary>
    public void EnqueueShadow(ShadowJob job)
    {
        if (!Shadow.Writer.TryWrite(job))
        {
            Interlocked.Increment(ref _shadowDropped);
        }
    }

    /// <summary>Counts a failed shadow run.</summary>
    public void ShadowFailure() => Interlocked.Increment(ref _shadowFailed);
}

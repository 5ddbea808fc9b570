namespace Warden.Core.Cluster;

/// <summary>
/// The channel replicas use to tell each other that cached state changed. One process alone needs no channel
/// (<see cref="LocalClusterSignals"/>); replicas sharing a database use Redis pub/sub.
/// </summary>
public interface IClusterSignals
{
    /// <summary>This process's instance id (the origin of what it publishes).</summary>
    string InstanceId { get; }

    /// <summary>Tells the other replicas that <paramref name="kind"/> changed. Never throws: a lost signal is repaired by the resync after an outage.</summary>
    Task PublishAsync(string kind, CancellationToken cancellationToken = default);

    /// <summary>Starts delivering signals of other replicas (and <see cref="ClusterSignal.Resync"/> after an outage) to <paramref name="handler"/>.</summary>
    Task SubscribeAsync(Func<ClusterSignal, Task> handler, CancellationToken cancellationToken = default);
}

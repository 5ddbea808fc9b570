namespace Warden.Core.Cluster;

/// <summary>Signals of a single process: there is nobody to tell, and nobody tells it anything.</summary>
public sealed class LocalClusterSignals : IClusterSignals
{
    public string InstanceId { get; } = Environment.MachineName + "/" + Environment.ProcessId;

    public Task PublishAsync(string kind, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task SubscribeAsync(Func<ClusterSignal, Task> handler, CancellationToken cancellationToken = default) => Task.CompletedTask;
}

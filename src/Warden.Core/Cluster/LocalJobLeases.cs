namespace Warden.Core.Cluster;

/// <summary>Leases of a single process: every claim is granted, because no other replica could run the job.</summary>
/// <remarks>Each job's own loop already runs its ticks one after another, so no in-process bookkeeping is needed.</remarks>
public sealed class LocalJobLeases : IJobLeases
{
    private static readonly Task<IJobLease?> Granted = Task.FromResult<IJobLease?>(new Held());

    public Task<bool> TryClaimTickAsync(string job, long tick, TimeSpan hold, CancellationToken cancellationToken = default) => Task.FromResult(true);

    public Task<IJobLease?> TryAcquireAsync(string job, CancellationToken cancellationToken = default) => Granted;

    private sealed class Held : IJobLease
    {
        public bool IsHeld => true;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

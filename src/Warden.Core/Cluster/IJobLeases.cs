namespace Warden.Core.Cluster;

/// <summary>
/// Decides which replica runs a singleton background job. One process alone always runs them
/// (<see cref="LocalJobLeases"/>); replicas sharing a database claim each run in Redis so that it happens on exactly one.
/// </summary>
public interface IJobLeases
{
    /// <summary>
    /// Claims run number <paramref name="tick"/> of <paramref name="job"/> (a periodic job numbers its runs by time, so all
    /// replicas agree on the number); true for exactly one caller per (job, tick). The claim is kept for
    /// <paramref name="hold"/>, which must outlast the period so that a late replica cannot claim the same tick again.
    /// </summary>
    Task<bool> TryClaimTickAsync(string job, long tick, TimeSpan hold, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the exclusive lease on <paramref name="job"/> for as long as the returned handle is held (renewed in the
    /// background while it is); null when another replica holds it. Dispose the handle to release the lease.
    /// Claims of the same job by one process are not exclusive of each other: a job's own loop runs one at a time.
    /// </summary>
    Task<IJobLease?> TryAcquireAsync(string job, CancellationToken cancellationToken = default);
}

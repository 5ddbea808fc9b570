using Microsoft.Extensions.Hosting;
using Warden.Core.Cluster;

namespace Warden.Core.Retraining;

/// <summary>
/// Runs queued retraining jobs one at a time (training is CPU-bound; one job keeps inference responsive on small hosts).
/// On start it marks jobs left running by a previous process as failed and queues the waiting ones again. With several
/// replicas, recovery and each job run under the <c>retraining</c> lease: one job trains at a time across all of them, a
/// job another replica is training is never taken for stale, and a job queued on two replicas runs once (the second finds
/// it no longer queued).
/// </summary>
public sealed class RetrainWorker(RetrainingService service, RetrainJobRunner runner, IRetrainJobStore store, TimeProvider time, IJobLeases leases) : BackgroundService
{
    private static readonly TimeSpan LeaseRetry = TimeSpan.FromSeconds(1);

    /// <summary>Error recorded on a job that was running when the server stopped.</summary>
    public const string InterruptedReason = "the server stopped while the job was running; start it again";

    /// <summary>Marks interrupted jobs failed and requeues waiting ones (runs before the first job).</summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var stale = await store.ListAsync(null, [RetrainJobStatus.Running, RetrainJobStatus.Queued], int.MaxValue, cancellationToken).ConfigureAwait(false);
        foreach (var job in stale.OrderBy(j => j.Id))
        {
            if (job.Status == RetrainJobStatus.Running)
            {
                await store.UpdateAsync(job with { Status = RetrainJobStatus.Failed, Phase = RetrainJobStatus.Failed, Finished = time.GetUtcNow(), Error = InterruptedReason }, cancellationToken)
                    .ConfigureAwait(false);
                await store.AppendLogAsync(new RetrainLogLine(job.Id, time.GetUtcNow(), "failed: " + InterruptedReason), cancellationToken).ConfigureAwait(false);
            }
            else if (!service.Requeue(job.Id))
            {
                await store.UpdateAsync(job with { Status = RetrainJobStatus.Failed, Finished = time.GetUtcNow(), Error = "the retraining queue was full after a restart" }, cancellationToken)
                    .ConfigureAwait(false);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using (await AcquireAsync(stoppingToken).ConfigureAwait(false))
            {
                await RecoverAsync(stoppingToken).ConfigureAwait(false);
            }

            await foreach (var id in service.Queue.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await using var lease = await AcquireAsync(stoppingToken).ConfigureAwait(false);
                var job = await store.GetAsync(id, stoppingToken).ConfigureAwait(false);
                if (job is not { Status: RetrainJobStatus.Queued })
                {
                    // Cancelled while waiting.
                    continue;
                }

                var source = service.Track(id, stoppingToken);
                try
                {
                    await runner.RunAsync(job, source.Token).ConfigureAwait(false);
                }
                finally
                {
                    service.Untrack(id);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the running job saw the token and ended cancelled; a process killed outright leaves it running for RecoverAsync.
        }
    }

    private async Task<IJobLease> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await leases.TryAcquireAsync("retraining", cancellationToken).ConfigureAwait(false) is { } lease)
            {
                return lease;
            }

            await Task.Delay(LeaseRetry, time, cancellationToken).ConfigureAwait(false);
        }
    }
}

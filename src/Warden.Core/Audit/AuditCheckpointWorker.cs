using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Warden.Core.Cluster;

namespace Warden.Core.Audit;

/// <summary>
/// Signs an audit checkpoint every <see cref="AuditCheckpointOptions.IntervalMinutes"/> (on the injected clock) when the
/// chain grew since the last checkpoint; with several replicas one of them signs each tick.
/// </summary>
public sealed partial class AuditCheckpointWorker(
    AuditCheckpointer checkpointer, IOptions<AuditCheckpointOptions> options, IJobLeases leases, TimeProvider time, ILogger<AuditCheckpointWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!(options.Value.IntervalMinutes > 0))
        {
            return;
        }

        var interval = TimeSpan.FromMinutes(options.Value.IntervalMinutes);
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await TickAsync(interval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task TickAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        try
        {
            var tick = time.GetUtcNow().ToUnixTimeMilliseconds() / (long)interval.TotalMilliseconds;
            if (!await leases.TryClaimTickAsync("audit-checkpoint", tick, interval * 3, stoppingToken).ConfigureAwait(false))
            {
                return;
            }

            var size = await checkpointer.HeadSizeAsync(stoppingToken).ConfigureAwait(false);
            if (checkpointer.Latest() is { } latest && latest.Size == size)
            {
                return;
            }

            var checkpoint = await checkpointer.CheckpointAsync(stoppingToken).ConfigureAwait(false);
            LogSigned(checkpoint.Size, checkpoint.HeadHash);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or InvalidDataException)
        {
            // A full disk or an unreadable key must not stop the server; the next tick tries again.
            LogFailed(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit checkpoint signed at entry {Size} ({HeadHash})")]
    private partial void LogSigned(long size, string headHash);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled audit checkpoint failed: {Reason}")]
    private partial void LogFailed(string reason);
}

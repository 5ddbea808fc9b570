using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Warden.Core.Cluster;

namespace Warden.Core.Monitoring;

/// <summary>
/// Ticks on the injected <see cref="TimeProvider"/> (so tests drive it with a fake clock) and runs every
/// <see cref="IScheduledMonitor"/>. A failing monitor is logged and retried on the next tick; it never stops the others.
/// With several replicas, one holds the <c>monitoring</c> lease and ticks (monitors keep their "last run" in memory, so
/// the same replica should keep running them), and each tick, numbered by wall-clock time, is also claimed so that a
/// leader change can never run one tick twice.
/// </summary>
public sealed partial class MonitoringScheduler(
    IEnumerable<IScheduledMonitor> monitors, IOptions<MonitoringOptions> options, TimeProvider time, ILogger<MonitoringScheduler> logger, IJobLeases leases)
    : BackgroundService
{
    /// <summary>Lease and tick-claim name of the scheduler.</summary>
    public const string JobName = "monitoring";

    private readonly IScheduledMonitor[] _monitors = monitors.ToArray();
    private long _ticks;

    /// <summary>Completed ticks (for tests and diagnostics).</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Runs every monitor once.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        foreach (var monitor in _monitors)
        {
            using var span = Telemetry.WardenActivitySource.Start("warden.job monitoring");
            span?.SetTag("warden.job.monitor", monitor.GetType().Name);
            try
            {
                await monitor.RunDueAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Telemetry.WardenActivitySource.RecordFailure(span, ex);
                LogFailed(ex, monitor.GetType().Name);
            }
        }

        Interlocked.Increment(ref _ticks);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(options.Value.TickSeconds);
        using var timer = new PeriodicTimer(period, time);
        IJobLease? leadership = null;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (leadership is { IsHeld: false })
                {
                    await leadership.DisposeAsync().ConfigureAwait(false);
                    leadership = null;
                }

                leadership ??= await leases.TryAcquireAsync(JobName, stoppingToken).ConfigureAwait(false);
                var tick = time.GetUtcNow().ToUnixTimeMilliseconds() / (long)period.TotalMilliseconds;
                if (leadership is not null && await leases.TryClaimTickAsync(JobName, tick, period * 3, stoppingToken).ConfigureAwait(false))
                {
                    await TickAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            if (leadership is not null)
            {
                await leadership.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Error, "Monitor {Monitor} failed; it runs again on the next tick")]
    private partial void LogFailed(Exception exception, string monitor);
}

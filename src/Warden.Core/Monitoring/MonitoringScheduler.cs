using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Warden.Core.Monitoring;

/// <summary>
/// Ticks on the injected <see cref="TimeProvider"/> (so tests drive it with a fake clock) and runs every
/// <see cref="IScheduledMonitor"/>. A failing monitor is logged and retried on the next tick; it never stops the others.
/// </summary>
public sealed partial class MonitoringScheduler(
    IEnumerable<IScheduledMonitor> monitors, IOptions<MonitoringOptions> options, TimeProvider time, ILogger<MonitoringScheduler> logger) : BackgroundService
{
    private readonly IScheduledMonitor[] _monitors = monitors.ToArray();
    private long _ticks;

    /// <summary>Completed ticks (for tests and diagnostics).</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Runs every monitor once.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        foreach (var monitor in _monitors)
        {
            try
            {
                await monitor.RunDueAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex, monitor.GetType().Name);
            }
        }

        Interlocked.Increment(ref _ticks);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.TickSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await TickAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(1, LogLevel.Error, "Monitor {Monitor} failed; it runs again on the next tick")]
    private partial void LogFailed(Exception exception, string monitor);
}

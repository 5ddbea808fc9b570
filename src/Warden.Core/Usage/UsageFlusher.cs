using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Warden.Core.Usage;

/// <summary>Writes the <see cref="UsageMeter"/>'s pending counts to the store every <paramref name="interval"/> and at shutdown.</summary>
public sealed partial class UsageFlusher(UsageMeter meter, TimeProvider time, ILogger<UsageFlusher> logger, TimeSpan? interval = null) : BackgroundService
{
    private readonly TimeSpan _interval = interval ?? TimeSpan.FromSeconds(10);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // A few attempts: after a database outage the first pooled connections tried may be dead ones. Shutdown never
        // fails because the store cannot be written.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await meter.FlushAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (attempt == 3)
                {
                    LogFlushFailed(ex);
                    return;
                }
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await meter.FlushAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFlushFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; StopAsync flushes.
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Writing usage counts failed; they are lost")]
    private partial void LogFlushFailed(Exception exception);
}

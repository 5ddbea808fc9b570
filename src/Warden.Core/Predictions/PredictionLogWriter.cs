using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Core.Privacy;
using Warden.Core.Storage;

namespace Warden.Core.Predictions;

/// <summary>
/// Drains the <see cref="PredictionLog"/> into the store in batches: a batch closes when it is full or when the flush
/// interval has passed since its first record. A failed write is retried (with back-off) rather than dropped; meanwhile the
/// queue fills and inference answers 503. On shutdown it writes everything still queued. Each record passes through the
/// <see cref="PredictionRedactor"/> (card redaction, PII) before it is serialised, so only the stored copy changes.
/// </summary>
public sealed partial class PredictionLogWriter(
    PredictionLog log, IPredictionStore store, TimeProvider time, ILogger<PredictionLogWriter> logger, PredictionRedactor? redactor = null)
    : BackgroundService
{
    private long _written;

    /// <summary>Records written since start.</summary>
    public long Written => Interlocked.Read(ref _written);

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        log.Complete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = log.Reader;
        var batch = new List<StoredPrediction>(log.Options.BatchSize);
        var interval = TimeSpan.FromMilliseconds(log.Options.FlushIntervalMs);
        try
        {
            // Shutdown completes the channel; WaitToReadAsync then returns false once it is empty, so the loop drains first.
            while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var deadline = time.GetUtcNow() + interval;
                while (batch.Count < log.Options.BatchSize)
                {
                    if (reader.TryRead(out var record))
                    {
                        batch.Add(PredictionSerializer.ToStored(redactor is null ? record : redactor.Apply(record)));
                        continue;
                    }

                    var remaining = deadline - time.GetUtcNow();
                    if (remaining <= TimeSpan.Zero || stoppingToken.IsCancellationRequested)
                    {
                        break;
                    }

                    using var wait = new CancellationTokenSource(remaining, time);
                    try
                    {
                        if (!await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }

                await WriteWithRetryAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (Exception ex)
        {
            LogWriterFailed(ex);
            throw;
        }
    }

    private async Task WriteWithRetryAsync(List<StoredPrediction> batch)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.WriteBatchAsync(batch).ConfigureAwait(false);
                Interlocked.Add(ref _written, batch.Count);
                return;
            }
            catch (Exception ex) when (attempt < 50)
            {
                LogWriteRetry(ex, batch.Count, attempt);
                await Task.Delay(delay, time).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5_000));
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Writing {Count} predictions failed (attempt {Attempt}); retrying")]
    private partial void LogWriteRetry(Exception exception, int count, int attempt);

    [LoggerMessage(2, LogLevel.Critical, "The prediction log writer stopped")]
    private partial void LogWriterFailed(Exception exception);
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Core.Privacy;
using Warden.Core.Storage;
using Warden.Core.Telemetry;

namespace Warden.Core.Predictions;

/// <summary>
/// Drains the <see cref="PredictionLog"/> into the store in batches (group commit): a batch closes when it is full or when
/// its interval has passed since its first record — <see cref="PredictionLogOptions.CommitIntervalMs"/> under
/// <see cref="PredictionDurability.Acknowledged"/>, <see cref="PredictionLogOptions.FlushIntervalMs"/> under
/// <see cref="PredictionDurability.Async"/>. Under acknowledged durability it also closes as soon as the queue is empty
/// and no inference is under way (nothing more could join it); records arriving during a commit form the next batch. The
/// store writes a batch in one transaction (<see cref="IPredictionStore.CommitBatchAsync"/>); once the commit is durable the
/// requests waiting for the batch are released. A store whose commit returns before it is durable (SQLite's pipelined
/// sync) lets the writer commit the next batch while the previous one is synced: two batches in flight, never more, so
/// a slow disk makes batches larger rather than the commits more. A commit that cannot be made durable fails its
/// requests (503), never acknowledges them. A failed write is retried (with back-off) rather than dropped; meanwhile the queue
/// fills and inference answers 503. On shutdown it writes everything still queued. Each record passes through the
/// <see cref="PredictionRedactor"/> (card redaction, PII) before it is serialised, so only the stored copy changes, and a
/// model's <see cref="RetentionPolicy"/> (<c>keep</c>, <c>sampleRate</c>) is applied: here under async durability (off
/// the request path), on the request's own thread under acknowledged durability (the request waits for the commit anyway,
/// and serialising a whole batch here would lengthen every commit cycle).
/// The writer knows only <see cref="IPredictionStore"/>, so any store that commits a batch durably keeps the promise.
/// </summary>
public sealed partial class PredictionLogWriter : BackgroundService
{
    private readonly PredictionLog _log;
    private readonly IPredictionStore _store;
    private readonly ILogger<PredictionLogWriter> _logger;
    private readonly PredictionRedactor? _redactor;
    private readonly WardenMetrics? _metrics;
    private readonly Settings.ModelSettings? _settings;

    public PredictionLogWriter(
        PredictionLog log, IPredictionStore store, ILogger<PredictionLogWriter> logger, PredictionRedactor? redactor = null, WardenMetrics? metrics = null,
        Settings.ModelSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        _log = log;
        _store = store;
        _logger = logger;
        _redactor = redactor;
        _metrics = metrics;
        _settings = settings;
        log.Prepare = Prepare;
    }

    // Batch deadlines and retry delays are real waits, never the injected clock: a test's frozen fake clock must not hold a
    // batch open forever (and with it every request awaiting the commit).
    private static readonly TimeProvider RealTime = TimeProvider.System;

    private long _written;

    /// <summary>Records written since start.</summary>
    public long Written => Interlocked.Read(ref _written);

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _log.Complete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = _log.Options;
        var batch = new List<StoredPrediction>(Math.Min(options.BatchSize, 4_096));
        var waiters = new List<TaskCompletionSource>();
        var acknowledged = options.Durability == PredictionDurability.Acknowledged;
        var interval = TimeSpan.FromMilliseconds(acknowledged ? options.CommitIntervalMs : options.FlushIntervalMs);

        // The release of the batch committed before the last one: waited for before the next batch is gathered, so at most
        // two batches are in flight (one being synced, one being committed).
        var older = Task.CompletedTask;
        var newer = Task.CompletedTask;
        try
        {
            // Shutdown completes the channel; WaitToReadAsync then returns false once it is empty, so the loop drains first.
            while (await _log.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                await older.ConfigureAwait(false);
                var opened = RealTime.GetTimestamp();
                while (batch.Count < options.BatchSize)
                {
                    if (_log.TryRead(out var queued))
                    {
                        if (queued.Commit is not null)
                        {
                            waiters.Add(queued.Commit);
                        }

                        // A request whose record is dropped (retention) is still released with the batch.
                        if ((queued.Prepared ? queued.Stored : Prepare(queued.Record)) is { } stored)
                        {
                            batch.Add(stored);
                        }

                        continue;
                    }

                    // Group commit without idle waiting: when no inference is under way, no record can arrive within the
                    // interval except from requests not yet parsed, which the next batch takes at once; waiting would only
                    // add the interval to every answer.
                    if (acknowledged && _log.InferencesInProgress == 0)
                    {
                        break;
                    }

                    var remaining = interval - RealTime.GetElapsedTime(opened);
                    if (remaining <= TimeSpan.Zero || stoppingToken.IsCancellationRequested || _log.IsCompleted)
                    {
                        break;
                    }

                    if (!acknowledged)
                    {
                        // Woken once the rest of the batch is queued (or at its deadline), not by every record.
                        await _log.WaitForDepthAsync(options.BatchSize - batch.Count, remaining, RealTime).ConfigureAwait(false);
                        continue;
                    }

                    using var wait = new CancellationTokenSource(remaining, RealTime);
                    try
                    {
                        if (!await _log.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }

                var durable = batch.Count > 0 ? await WriteWithRetryAsync(batch).ConfigureAwait(false) : Task.CompletedTask;
                older = newer;
                if (durable.IsCompletedSuccessfully)
                {
                    if (batch.Count > 0)
                    {
                        DurableAgain();
                    }

                    newer = Release(waiters);
                }
                else
                {
                    newer = ReleaseWhenDurableAsync(durable, [.. waiters]);
                }

                batch.Clear();
                waiters.Clear();
            }

            await older.ConfigureAwait(false);
            await newer.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The requests holding these records answer 503 rather than wait for their timeout; their records were not committed.
            foreach (var waiter in waiters)
            {
                waiter.TrySetException(ex);
            }

            LogWriterFailed(ex);
            throw;
        }
    }

    private static Task Release(IReadOnlyList<TaskCompletionSource> waiters)
    {
        foreach (var waiter in waiters)
        {
            waiter.TrySetResult();
        }

        return Task.CompletedTask;
    }

    // Set while commits fail to become durable, so that a store refusing every batch logs once, not once a batch.
    private int _durabilityFailing;

    private void DurableAgain()
    {
        if (Volatile.Read(ref _durabilityFailing) == 1 && Interlocked.Exchange(ref _durabilityFailing, 0) == 1)
        {
            _log.ReportDurability(null);
        }
    }

    // Never throws: a commit that could not be made durable fails its own requests (503), and the writer goes on with the
    // next batches, whose store decides whether they can still be made durable.
    private async Task ReleaseWhenDurableAsync(Task durable, TaskCompletionSource[] waiters)
    {
        try
        {
            await durable.ConfigureAwait(false);
            DurableAgain();
        }
        catch (Exception ex)
        {
            if (Interlocked.Exchange(ref _durabilityFailing, 1) == 0)
            {
                LogSyncFailed(ex, waiters.Length);
                _log.ReportDurability($"the prediction log cannot make its records durable ({ex.Message}); acknowledged requests are refused until the server is restarted");
            }

            foreach (var waiter in waiters)
            {
                waiter.TrySetException(ex);
            }

            return;
        }

        await Release(waiters).ConfigureAwait(false);
    }

    // The model's retention document decides whether, and how much of, the record is kept; then the privacy rules apply to
    // the stored copy only.
    private StoredPrediction? Prepare(PredictionRecord record)
    {
        var retention = _settings?.Get<RetentionPolicy>(record.Model, RetentionPolicy.Kind);
        if (retention is not null && !retention.Samples(record.Id))
        {
            return null;
        }

        var stored = PredictionSerializer.ToStored(_redactor is null ? record : _redactor.Apply(record), _log.Options);
        return retention?.Keep == "features" ? stored with { InputsJson = "[]" } : stored;
    }

    // Returns once the batch is committed, with the task of its durability.
    private async Task<Task> WriteWithRetryAsync(List<StoredPrediction> batch)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        using var span = WardenActivitySource.Start("warden.prediction_log.write");
        span?.SetTag("warden.prediction_log.batch_size", batch.Count);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var started = RealTime.GetTimestamp();
                var durable = await _store.CommitBatchAsync(batch).ConfigureAwait(false);
                _metrics?.RecordLogCommit(batch.Count, RealTime.GetElapsedTime(started).TotalSeconds);
                Interlocked.Add(ref _written, batch.Count);
                return durable;
            }
            catch (Exception ex) when (attempt < 50 || IsTransient(ex))
            {
                // A database that is down or restarting is waited for however long it takes (requests meanwhile answer
                // 503 at their commit timeout, then the full queue refuses new ones): giving up would stop the host.
                LogWriteRetry(ex, batch.Count, attempt);
                await Task.Delay(delay, RealTime).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5_000));
            }
        }
    }

    private static bool IsTransient(Exception ex) =>
        ex is System.Data.Common.DbException { IsTransient: true } or TimeoutException or IOException or System.Net.Sockets.SocketException;

    [LoggerMessage(1, LogLevel.Warning, "Writing {Count} predictions failed (attempt {Attempt}); retrying")]
    private partial void LogWriteRetry(Exception exception, int count, int attempt);

    [LoggerMessage(3, LogLevel.Error, "{Count} committed predictions could not be made durable; their requests, and those of later batches until one is made durable, were not acknowledged (503)")]
    private partial void LogSyncFailed(Exception exception, int count);

    [LoggerMessage(2, LogLevel.Critical, "The prediction log writer stopped")]
    private partial void LogWriterFailed(Exception exception);
}

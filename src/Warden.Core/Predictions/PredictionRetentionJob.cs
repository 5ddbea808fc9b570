using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Warden.Core.Audit;
using Warden.Core.Cluster;
using Warden.Core.Monitoring;
using Warden.Core.Settings;
using Warden.Core.Storage;
using Warden.Core.Telemetry;

namespace Warden.Core.Predictions;

/// <summary>
/// Enforces each model's <see cref="RetentionPolicy"/> limits (<c>maxAge</c>, <c>maxRecords</c>, <c>maxBytes</c>) on the
/// prediction log, every <see cref="RetentionOptions.IntervalSeconds"/> on the injected clock. Each run is claimed through
/// <see cref="IJobLeases"/> so that one replica prunes. Every deletion is appended to the audit chain as
/// <c>predictions.prune</c> (model, count, last sequence number, limits): the chain never covers predictions, so deleting
/// them leaves it verifiable, and the entry says what went and why. A failing run is logged and retried on the next tick.
/// </summary>
public sealed partial class PredictionRetentionJob(
    IPredictionStore store, ModelSettings settings, AuditLog audit, IJobLeases leases, IOptions<RetentionOptions> options, TimeProvider time,
    ILogger<PredictionRetentionJob> logger, WardenMetrics? metrics = null)
    : BackgroundService
{
    /// <summary>Tick-claim name of the job.</summary>
    public const string JobName = "prediction-retention";

    /// <summary>Audit action of a pruning.</summary>
    public const string AuditAction = "predictions.prune";

    /// <summary>Applies every model's limits once; returns how many predictions were deleted per model (models with none deleted are left out).</summary>
    public async Task<IReadOnlyDictionary<string, long>> RunAsync(CancellationToken cancellationToken = default)
    {
        using var span = WardenActivitySource.Start("warden.job retention");
        var deleted = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var model in settings.ModelsWith(RetentionPolicy.Kind))
        {
            if (settings.Get<RetentionPolicy>(model, RetentionPolicy.Kind) is not { HasLimits: true } policy)
            {
                continue;
            }

            var olderThan = policy.MaxAge is { } age ? time.GetUtcNow() - TimeWindow.Parse(age, "maxAge") : (DateTimeOffset?)null;
            var (count, through) = await store.PruneAsync(model, olderThan, policy.MaxRecords, policy.MaxBytes, options.Value.MaxDeletesPerRun, cancellationToken)
                .ConfigureAwait(false);
            if (count == 0)
            {
                continue;
            }

            deleted[model] = count;
            metrics?.RecordPruned(model, count);
            await audit.AppendAsync("system", AuditAction, model, new
            {
                deleted = count,
                throughSequence = through,
                olderThan,
                maxAge = policy.MaxAge,
                maxRecords = policy.MaxRecords,
                maxBytes = policy.MaxBytes,
            }, cancellationToken).ConfigureAwait(false);
            LogPruned(model, count, through);
        }

        span?.SetTag("warden.retention.deleted", deleted.Values.Sum());
        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(options.Value.IntervalSeconds);
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var tick = time.GetUtcNow().ToUnixTimeMilliseconds() / (long)period.TotalMilliseconds;
                try
                {
                    if (await leases.TryClaimTickAsync(JobName, tick, period * 3, stoppingToken).ConfigureAwait(false))
                    {
                        await RunAsync(stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Retention deleted {Count} predictions of {Model} (through sequence {Through})")]
    private partial void LogPruned(string model, long count, long through);

    [LoggerMessage(2, LogLevel.Error, "The retention job failed; it runs again on the next tick")]
    private partial void LogFailed(Exception exception);
}

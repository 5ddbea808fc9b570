using Microsoft.Extensions.Hosting;
using Warden.Core.Predictions;
using Warden.Core.Registry;

namespace Warden.Core.Monitoring;

/// <summary>
/// Runs queued shadow copies on the shadow version and logs the answers with purpose <c>shadow</c> and id
/// <c>&lt;request id&gt;:shadow</c>; they are never returned to callers. Failures are counted, never raised.
/// </summary>
public sealed class ShadowRunner(RolloutState state, ModelRegistry registry, PredictionLog log, TimeProvider time) : BackgroundService
{
    /// <summary>Runs one job (exposed for tests).</summary>
    public void Run(ShadowJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        try
        {
            using var lease = registry.Acquire(job.Model, job.Version);
            var started = time.GetUtcNow();
            var outputs = lease.Model.Run(job.Inputs, null);
            var latency = (time.GetUtcNow() - started).TotalMilliseconds;
            if (log.Options.Enabled)
            {
                log.TryEnqueue(new PredictionRecord(
                    job.Id + RolloutSettings.ShadowIdSuffix, time.GetUtcNow(), job.Model, lease.Model.Version, job.KeyId, RolloutSettings.ShadowPurpose,
                    job.Inputs, outputs, job.Sensitive, latency));
            }
        }
        catch (Exception ex) when (ex is WardenException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or ObjectDisposedException or InvalidOperationException)
        {
            state.ShadowFailure();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in state.Shadow.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                Run(job);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; queued copies are dropped.
        }
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Warden.Core.Cluster;
using Warden.Core.Storage.Sql;

namespace Warden.Core.Privacy;

/// <summary>
/// With <see cref="PrivacyOptions.ReencryptInBackground"/>, moves every stored row that is not under the active key (older
/// keys, or plaintext from before encryption) to it after start, batch by batch with a pause between batches, while the
/// server serves. A key rotation is then: add the new key as active, keep the old one, restart; once
/// <c>GET /api/privacy/keys</c> shows no rows under the old key, remove it. The run is audited as <c>privacy.reencrypt</c>
/// by <c>system</c>, like an on-demand run. With several replicas only the one holding the <c>reencryption</c> lease runs it;
/// the others restart it only if they are restarted after the holder stopped early.
/// </summary>
public sealed class BackgroundReencryption(
    SqlPayloadReencryptor payloads, PayloadCipher cipher, IOptions<PrivacyOptions> options, ILogger<BackgroundReencryption> logger, IJobLeases leases)
    : BackgroundService
{
    /// <summary>The last background run's result; null until one has finished.</summary>
    public ReencryptionResult? LastRun { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ReencryptInBackground || cipher.ActiveKeyId is not { } active)
        {
            return;
        }

        await using var lease = await leases.TryAcquireAsync("reencryption", stoppingToken).ConfigureAwait(false);
        if (lease is null)
        {
            logger.LogInformation("Background re-encryption runs on another replica");
            return;
        }

        try
        {
            var pending = (await payloads.CountByKeyAsync(stoppingToken).ConfigureAwait(false)).Where(c => c.KeyId != active).Sum(c => c.Rows);
            if (pending == 0)
            {
                return;
            }

            logger.LogInformation("Re-encrypting {Rows} stored rows under key {KeyId} in the background", pending, active);
            LastRun = await payloads.ReencryptAsync("system", options.Value.ReencryptPause, stoppingToken).ConfigureAwait(false);
            logger.LogInformation("Background re-encryption done: {Predictions} predictions and {ReviewItems} review items in {Batches} batches",
                LastRun.Predictions, LastRun.ReviewItems, LastRun.Batches);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: rows done so far stay done; the next start carries on.
        }
        catch (WardenException ex)
        {
            logger.LogError("Background re-encryption stopped: {Reason}", ex.Message);
        }
    }
}

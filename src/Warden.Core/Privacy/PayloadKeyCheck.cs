using System.Globalization;
using Microsoft.Extensions.Hosting;
using Warden.Core.Storage.Sql;

namespace Warden.Core.Privacy;

/// <summary>
/// Refuses to start when stored payloads use a key that is not configured, so a missing or wrong key shows up as one
/// clear startup error instead of failing reads later. Plaintext rows are always readable.
/// </summary>
public sealed class PayloadKeyCheck(SqlPayloadReencryptor payloads, PayloadCipher cipher) : IHostedService
{
    /// <summary>Throws <see cref="InvalidOperationException"/> naming the missing key ids and the rows that need them.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var missing = (await payloads.CountByKeyAsync(cancellationToken).ConfigureAwait(false)).Where(c => !cipher.CanRead(c.KeyId)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var what = string.Join("; ", missing.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Rows} {m.Table} rows under key {m.KeyId}")));
        var have = cipher.Enabled ? "configured key ids: " + string.Join(", ", cipher.KeyIds) : "no keys are configured";
        throw new InvalidOperationException(
            $"Stored payloads use encryption keys that are not configured ({what}; {have}). Add them to Warden:Privacy:Encryption:Keys " +
            "(or the key file) as older keys; remove a key only after 'POST /api/privacy/reencrypt' reports no rows under it.");
    }

    /// <summary>Nothing to stop.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

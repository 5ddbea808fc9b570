using System.Text.Json.Nodes;
using Warden.Core.Storage;

namespace Warden.Core.Audit;

/// <summary>
/// Appends administrative actions to the hash-chained audit log. The store links each entry to the head it reads inside
/// its own write transaction, so the chain stays linear across processes sharing the database; the in-process gate only
/// spares this process's appends from contending for that lock.
/// </summary>
public sealed class AuditLog(IAuditStore store, TimeProvider time, Telemetry.WardenMetrics? metrics = null)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Appends an entry and returns it.</summary>
    /// <param name="actor">Key id of whoever acted, or <c>system</c>.</param>
    /// <param name="action">Dotted action name, e.g. <c>model.promote</c>.</param>
    /// <param name="target">What was acted on.</param>
    /// <param name="details">Any serialisable object; stored as canonical JSON.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public Task<AuditEntry> AppendAsync(string actor, string action, string target, object? details = null, CancellationToken cancellationToken = default) =>
        AppendCanonicalAsync(actor, action, target, Canonical(() => CanonicalJson.Serialize(details ?? new { })), cancellationToken);

    /// <summary>Appends an entry whose details are a JSON document (no reflection: the native edge agent audits this way).</summary>
    public Task<AuditEntry> AppendAsync(string actor, string action, string target, JsonNode? details, CancellationToken cancellationToken = default) =>
        AppendCanonicalAsync(actor, action, target, Canonical(() => CanonicalJson.Serialize(details ?? new JsonObject())), cancellationToken);

    private static string Canonical(Func<string> serialize)
    {
        try
        {
            return serialize();
        }
        catch (FormatException ex)
        {
            throw WardenException.BadRequest("the request cannot be recorded in the audit chain: " + ex.Message);
        }
    }

    private async Task<AuditEntry> AppendCanonicalAsync(string actor, string action, string target, string detailsJson, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Millisecond precision is what the store keeps; truncate first so the hash is over the stored value.
            var now = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
            var entry = await store.AppendNextAsync(head =>
            {
                var previous = head?.Hash ?? AuditHasher.Genesis;
                return new AuditEntry(
                    (head?.Sequence ?? 0) + 1, now, actor, action, target, detailsJson, previous,
                    AuditHasher.Compute(previous, now, actor, action, target, detailsJson));
            }, cancellationToken).ConfigureAwait(false);
            metrics?.RecordAuditAppend(action);
            return entry;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads and verifies the whole chain.</summary>
    public async Task<Contracts.Admin.AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var entries = new List<AuditEntry>();
        long after = 0;
        while (true)
        {
            var page = await store.ListAsync(after, 5000, cancellationToken).ConfigureAwait(false);
            entries.AddRange(page);
            if (page.Count < 5000)
            {
                break;
            }

            after = page[^1].Sequence;
        }

        return AuditChainVerifier.Verify(entries);
    }
}

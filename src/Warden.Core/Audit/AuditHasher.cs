using System.Security.Cryptography;
using System.Text;

namespace Warden.Core.Audit;

/// <summary>
/// Computes an entry's hash: SHA-256 over the previous entry's hash and the entry's canonical JSON
/// (time, actor, action, target, details). The sequence number is deliberately not hashed, so the verifier can tell
/// a renumbered insertion or reordering from an edit.
/// </summary>
public static class AuditHasher
{
    /// <summary>Hash of the first entry's predecessor.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>Hex SHA-256 of an entry's content chained to <paramref name="previousHash"/>.</summary>
    public static string Compute(string previousHash, DateTimeOffset time, string actor, string action, string target, string detailsJson)
    {
        var canonical = CanonicalJson.Serialize(new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["action"] = action,
            ["actor"] = actor,
            ["details"] = System.Text.Json.JsonDocument.Parse(detailsJson).RootElement,
            ["prev"] = previousHash,
            ["target"] = target,
            ["time"] = time.ToUnixTimeMilliseconds(),
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Recomputes the hash of a stored entry.</summary>
    public static string Compute(AuditEntry entry) =>
        Compute(entry.PreviousHash, entry.Time, entry.Actor, entry.Action, entry.Target, entry.DetailsJson);
}

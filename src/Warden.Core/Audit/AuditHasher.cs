using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Warden.Core.Audit;

/// <summary>
/// Computes an entry's hash: SHA-256 over the UTF-8 bytes of the RFC 8785 canonical JSON of
/// <c>{"action","actor","details","prev","target","time"}</c> (time in Unix milliseconds, prev the previous entry's hash). The sequence number is deliberately not hashed, so the verifier can tell
/// a renumbered insertion or reordering from an edit.
/// </summary>
public static class AuditHasher
{
    /// <summary>Hash of the first entry's predecessor.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>Hex SHA-256 of an entry's content chained to <paramref name="previousHash"/>.</summary>
    public static string Compute(string previousHash, DateTimeOffset time, string actor, string action, string target, string detailsJson) =>
        // Built as nodes rather than serialised from an object: no reflection, so the native edge agent chains its audit too.
        Hash(CanonicalJson.Serialize(new JsonObject
        {
            ["action"] = action,
            ["actor"] = actor,
            ["details"] = JsonNode.Parse(detailsJson),
            ["prev"] = previousHash,
            ["target"] = target,
            ["time"] = time.ToUnixTimeMilliseconds(),
        }));

    /// <summary>Recomputes the hash of a stored entry.</summary>
    public static string Compute(AuditEntry entry) =>
        Compute(entry.PreviousHash, entry.Time, entry.Actor, entry.Action, entry.Target, entry.DetailsJson);

    /// <summary>
    /// Whether <paramref name="entry"/>'s stored hash matches its content: the RFC 8785 hash, or for entries written
    /// before it, the earlier canonical form (System.Text.Json escaping and number text).
    /// </summary>
    public static bool Matches(AuditEntry entry)
    {
        if (Compute(entry) == entry.Hash)
        {
            return true;
        }

        using var content = System.Text.Json.JsonSerializer.SerializeToDocument(
            Content(entry.PreviousHash, entry.Time, entry.Actor, entry.Action, entry.Target, entry.DetailsJson));
        return Hash(CanonicalJson.SerializeLegacy(content.RootElement)) == entry.Hash;
    }

    private static SortedDictionary<string, object> Content(string previousHash, DateTimeOffset time, string actor, string action, string target, string detailsJson) =>
        new(StringComparer.Ordinal)
        {
            ["action"] = action,
            ["actor"] = actor,
            ["details"] = System.Text.Json.JsonDocument.Parse(detailsJson).RootElement,
            ["prev"] = previousHash,
            ["target"] = target,
            ["time"] = time.ToUnixTimeMilliseconds(),
        };

    private static string Hash(string canonical) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Core.Bundles;

/// <summary>Revoked bundle ids and signing key ids; a bundle matching either is refused.</summary>
public sealed class BundleRevocations
{
    /// <summary>No revocations.</summary>
    public static BundleRevocations None { get; } = new();

    // Settable rather than init: the source-generated reader sets every init property, so a list left out of the JSON
    // would be null instead of empty.
    [JsonPropertyName("bundles")]
    public HashSet<string> Bundles { get; set; } = new(StringComparer.Ordinal);

    [JsonPropertyName("keys")]
    public HashSet<string> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Reads <c>{"bundles": [...], "keys": [...]}</c>.</summary>
    public static BundleRevocations Parse(string json) =>
        JsonSerializer.Deserialize(json, BundleJson.Default.BundleRevocations) ?? new BundleRevocations();

    public string ToJson() => JsonSerializer.Serialize(this, BundleJson.Default.BundleRevocations);
}

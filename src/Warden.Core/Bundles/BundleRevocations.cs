using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Core.Bundles;

/// <summary>Revoked bundle ids and signing key ids; a bundle matching either is refused.</summary>
public sealed class BundleRevocations
{
    /// <summary>No revocations.</summary>
    public static BundleRevocations None { get; } = new();

    [JsonPropertyName("bundles")]
    public HashSet<string> Bundles { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("keys")]
    public HashSet<string> Keys { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Reads <c>{"bundles": [...], "keys": [...]}</c>.</summary>
    public static BundleRevocations Parse(string json) =>
        JsonSerializer.Deserialize(json, BundleJson.Default.BundleRevocations) ?? new BundleRevocations();

    public string ToJson() => JsonSerializer.Serialize(this, BundleJson.Default.BundleRevocations);
}

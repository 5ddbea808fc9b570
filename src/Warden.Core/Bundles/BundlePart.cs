using System.Text.Json.Serialization;

namespace Warden.Core.Bundles;

/// <summary>One file of a bundle with its size and lower-case hex SHA-256 (FIPS 180-4).</summary>
public sealed class BundlePart
{
    [JsonPropertyName("path")]
    public string Path { get; set; } = "";

    [JsonPropertyName("size")]
    public long Size { get; set; }

    [JsonPropertyName("sha256")]
    public string Sha256 { get; set; } = "";
}

using System.Text.Json.Serialization;

namespace Warden.Core.Bundles;

/// <summary>
/// The signed table of contents of a bundle: identity, validity window and the SHA-256 of every part. The signature
/// covers the exact bytes of <c>manifest.json</c>, so nothing here can change without invalidating it.
/// </summary>
public sealed class BundleManifest
{
    /// <summary>Format tag; readers refuse any other.</summary>
    public const string CurrentFormat = "warden-bundle/1";

    [JsonPropertyName("format")]
    public string Format { get; set; } = CurrentFormat;

    /// <summary>Unique id of this bundle (what a revocation names).</summary>
    [JsonPropertyName("bundle_id")]
    public string BundleId { get; set; } = "";

    [JsonPropertyName("model")]
    public string Model { get; set; } = "";

    [JsonPropertyName("version")]
    public string Version { get; set; } = "";

    /// <summary>Distribution channel (a device group), e.g. <c>stable</c>.</summary>
    [JsonPropertyName("channel")]
    public string Channel { get; set; } = "";

    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>After this instant the bundle is refused.</summary>
    [JsonPropertyName("expires_at")]
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Quantisation applied to the model, e.g. <c>int8 dynamic perchannel</c>; null for float32.</summary>
    [JsonPropertyName("quantization")]
    public string? Quantization { get; set; }

    /// <summary>SHA-256 of the plaintext ONNX model (equal to the model part's hash unless the model is encrypted).</summary>
    [JsonPropertyName("model_sha256")]
    public string ModelSha256 { get; set; } = "";

    /// <summary>Every part, in container order.</summary>
    [JsonPropertyName("parts")]
    public List<BundlePart> Parts { get; set; } = [];

    /// <summary>Set when the model part is encrypted for one device.</summary>
    [JsonPropertyName("encryption")]
    public BundleEncryption? Encryption { get; set; }
}

using System.Text.Json.Serialization;

namespace Warden.Core.Bundles;

/// <summary>The detached signature of <c>manifest.json</c>: ECDSA P-256 with SHA-256 (FIPS 186-5), r‖s encoded (IEEE P1363), base64.</summary>
public sealed class BundleSignature
{
    public const string Es256 = "ES256";

    [JsonPropertyName("algorithm")]
    public string Algorithm { get; set; } = Es256;

    /// <summary>Key id of the signer (<see cref="EcKeys.KeyId(System.Security.Cryptography.AsymmetricAlgorithm)"/>).</summary>
    [JsonPropertyName("key_id")]
    public string KeyId { get; set; } = "";

    [JsonPropertyName("signature")]
    public string Signature { get; set; } = "";
}

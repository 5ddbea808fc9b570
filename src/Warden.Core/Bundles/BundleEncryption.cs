using System.Text.Json.Serialization;

namespace Warden.Core.Bundles;

/// <summary>
/// How the model part is encrypted (see <see cref="ModelEncryption"/>): the recipient device's key id, the sender's
/// ephemeral P-256 public key, and the AES-GCM-wrapped content key. All binary fields are base64.
/// </summary>
public sealed class BundleEncryption
{
    public const string CurrentScheme = "ECDH-P256+HKDF-SHA256+A256GCM-KW+A256GCM";

    [JsonPropertyName("scheme")]
    public string Scheme { get; set; } = CurrentScheme;

    /// <summary>Key id (<see cref="EcKeys.KeyId(System.Security.Cryptography.AsymmetricAlgorithm)"/>) of the device public key the content key is wrapped for.</summary>
    [JsonPropertyName("recipient_key_id")]
    public string RecipientKeyId { get; set; } = "";

    /// <summary>SubjectPublicKeyInfo (DER) of the ephemeral sender key.</summary>
    [JsonPropertyName("ephemeral_public_key")]
    public string EphemeralPublicKey { get; set; } = "";

    [JsonPropertyName("key_nonce")]
    public string KeyNonce { get; set; } = "";

    /// <summary>The content key encrypted under the agreed key, followed by its 16-byte GCM tag.</summary>
    [JsonPropertyName("wrapped_key")]
    public string WrappedKey { get; set; } = "";

    [JsonPropertyName("content_nonce")]
    public string ContentNonce { get; set; } = "";
}

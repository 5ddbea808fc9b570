using System.Security.Cryptography;
using System.Text.Json;

namespace Warden.Core.Bundles;

/// <summary>
/// Writes a signed bundle: parts (model — encrypted when asked —, card, signature, policies, reference data), a manifest
/// with their SHA-256 digests, and the manifest's ECDSA P-256 signature. Only the signature and the signer's key id leave
/// with the bundle, never the private key.
/// </summary>
public sealed class BundlePacker(TimeProvider time)
{
    /// <summary>Packs <paramref name="contents"/>, signing with <paramref name="signingKey"/>.</summary>
    public byte[] Pack(BundleContents contents, BundlePackOptions options, ECDsa signingKey)
    {
        ArgumentNullException.ThrowIfNull(contents);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(signingKey);
        if (!EcKeys.HasPrivateKey(signingKey))
        {
            throw new ArgumentException("the signing key has no private part", nameof(signingKey));
        }

        if (options.Lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException("the bundle lifetime must be positive", nameof(options));
        }

        var created = time.GetUtcNow();
        var manifest = new BundleManifest
        {
            BundleId = options.BundleId ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Model = options.Model,
            Version = options.Version,
            Channel = options.Channel,
            CreatedAt = created,
            ExpiresAt = created + options.Lifetime,
            Quantization = options.Quantization,
            ModelSha256 = Convert.ToHexStringLower(SHA256.HashData(contents.Model)),
        };

        var parts = new List<KeyValuePair<string, byte[]>>();
        if (options.EncryptFor is { } device)
        {
            var (ciphertext, header) = ModelEncryption.Encrypt(contents.Model, manifest.BundleId, device);
            manifest.Encryption = header;
            parts.Add(new(BundleNames.EncryptedModel, ciphertext));
        }
        else
        {
            parts.Add(new(BundleNames.Model, contents.Model));
        }

        parts.Add(new(BundleNames.Card, contents.Card));
        parts.Add(new(BundleNames.Signature, contents.Signature));
        parts.Add(new(BundleNames.Policies, contents.Policies));
        foreach (var (name, data) in contents.Reference.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (!BundleNames.IsValidReferenceName(name))
            {
                throw new ArgumentException($"reference file name '{name}' is not allowed", nameof(contents));
            }

            parts.Add(new(BundleNames.ReferencePrefix + name, data));
        }

        manifest.Parts = parts.Select(p => new BundlePart { Path = p.Key, Size = p.Value.LongLength, Sha256 = Convert.ToHexStringLower(SHA256.HashData(p.Value)) }).ToList();
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, BundleJson.Default.BundleManifest);
        var signature = new BundleSignature
        {
            KeyId = EcKeys.KeyId(signingKey),
            Signature = Convert.ToBase64String(signingKey.SignData(manifestBytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)),
        };

        List<KeyValuePair<string, byte[]>> entries =
        [
            new(BundleNames.Manifest, manifestBytes),
            new(BundleNames.ManifestSignature, JsonSerializer.SerializeToUtf8Bytes(signature, BundleJson.Default.BundleSignature)),
            .. parts,
        ];
        return BundleContainer.Write(entries);
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Warden.Core.Bundles;

/// <summary>
/// Checks a bundle before anything in it is used: container well formed and in canonical order, signer trusted and not
/// revoked, ECDSA signature valid over the manifest's exact bytes, every part present with the recorded size and SHA-256
/// and nothing extra, bundle not revoked, not expired, and — when encrypted — addressed to this device and decrypting to
/// the model hash the manifest records. Any failure throws <see cref="BundleVerificationException"/>.
/// </summary>
public sealed class BundleVerifier(TrustedKeys trusted, TimeProvider time)
{
    /// <summary>Verifies <paramref name="bundle"/>.</summary>
    /// <param name="bundle">The <c>.wdn</c> bytes.</param>
    /// <param name="revocations">Revoked bundle and key ids.</param>
    /// <param name="deviceKey">This device's private key, needed only for encrypted bundles.</param>
    /// <param name="decrypt">False to check an encrypted bundle without opening its model (a server, which holds no device key);
    /// <see cref="VerifiedBundle.Model"/> is then empty for encrypted bundles.</param>
    public VerifiedBundle Verify(ReadOnlySpan<byte> bundle, BundleRevocations? revocations = null, ECDiffieHellman? deviceKey = null, bool decrypt = true)
    {
        revocations ??= BundleRevocations.None;
        var entries = BundleContainer.Read(bundle);
        if (entries.Count < 2 || entries[0].Key != BundleNames.Manifest || entries[1].Key != BundleNames.ManifestSignature)
        {
            throw Fail(BundleFailure.Malformed, "the bundle must start with manifest.json and manifest.sig.json");
        }

        var manifestBytes = entries[0].Value;
        var signature = ReadCanonical(entries[1].Value, BundleJson.Default.BundleSignature, BundleNames.ManifestSignature);
        if (signature.Algorithm != BundleSignature.Es256)
        {
            throw Fail(BundleFailure.BadSignature, $"unsupported signature algorithm '{signature.Algorithm}'");
        }

        if (revocations.Keys.Contains(signature.KeyId))
        {
            throw Fail(BundleFailure.Revoked, $"the signing key {signature.KeyId} is revoked");
        }

        var key = trusted.Find(signature.KeyId) ?? throw Fail(BundleFailure.UnknownSigner, $"the bundle is signed by {signature.KeyId}, which is not a trusted key");
        byte[] signatureBytes;
        try
        {
            signatureBytes = Convert.FromBase64String(signature.Signature);
        }
        catch (FormatException)
        {
            throw Fail(BundleFailure.BadSignature, "the signature is not base64");
        }

        if (!key.VerifyData(manifestBytes, signatureBytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            throw Fail(BundleFailure.BadSignature, "the manifest signature does not verify");
        }

        var manifest = Read(manifestBytes, BundleJson.Default.BundleManifest, BundleNames.Manifest);
        if (manifest.Format != BundleManifest.CurrentFormat)
        {
            throw Fail(BundleFailure.Malformed, $"unsupported bundle format '{manifest.Format}'");
        }

        var parts = entries.Skip(2).ToList();
        if (parts.Count != manifest.Parts.Count)
        {
            throw Fail(BundleFailure.Malformed, $"the bundle has {parts.Count} parts but the manifest lists {manifest.Parts.Count}");
        }

        var byPath = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i < parts.Count; i++)
        {
            var (path, data) = parts[i];
            var listed = manifest.Parts[i];
            if (listed.Path != path)
            {
                throw Fail(BundleFailure.Malformed, $"part {i} is '{path}' but the manifest lists '{listed.Path}'");
            }

            if (listed.Size != data.LongLength || !string.Equals(listed.Sha256, Convert.ToHexStringLower(SHA256.HashData(data)), StringComparison.Ordinal))
            {
                throw Fail(BundleFailure.PartMismatch, $"part '{path}' does not match its SHA-256 in the manifest");
            }

            byPath[path] = data;
        }

        if (revocations.Bundles.Contains(manifest.BundleId))
        {
            throw Fail(BundleFailure.Revoked, $"bundle {manifest.BundleId} is revoked");
        }

        var now = time.GetUtcNow();
        if (now >= manifest.ExpiresAt)
        {
            // Signature and parts are verified by now, so the bundle's own word on what expiry means can be trusted.
            throw new BundleVerificationException(BundleFailure.Expired, $"bundle {manifest.BundleId} expired at {manifest.ExpiresAt:O}")
            {
                Manifest = manifest,
                Policies = BundlePolicies.Parse(byPath.GetValueOrDefault(BundleNames.Policies)),
            };
        }

        // A small allowance for clock skew between packer and device; beyond it a future creation time is suspicious.
        if (manifest.CreatedAt > now + TimeSpan.FromMinutes(5))
        {
            throw Fail(BundleFailure.Expired, $"bundle {manifest.BundleId} claims to be created in the future ({manifest.CreatedAt:O})");
        }

        var model = !decrypt && manifest.Encryption is not null ? [] : OpenModel(manifest, byPath, deviceKey);
        return new VerifiedBundle(manifest, signature.KeyId, model, byPath) { Policies = BundlePolicies.Parse(byPath.GetValueOrDefault(BundleNames.Policies)) };
    }

    private static byte[] OpenModel(BundleManifest manifest, Dictionary<string, byte[]> parts, ECDiffieHellman? deviceKey)
    {
        byte[] model;
        if (manifest.Encryption is { } encryption)
        {
            var ciphertext = parts.GetValueOrDefault(BundleNames.EncryptedModel) ?? throw Fail(BundleFailure.Malformed, "an encrypted bundle has no model.onnx.enc");
            if (deviceKey is null || EcKeys.KeyId(deviceKey) != encryption.RecipientKeyId)
            {
                throw Fail(BundleFailure.WrongDevice, $"the model is encrypted for device key {encryption.RecipientKeyId}" + (deviceKey is null ? "; no device key was given" : $", not {EcKeys.KeyId(deviceKey)}"));
            }

            model = ModelEncryption.Decrypt(ciphertext, encryption, manifest.BundleId, deviceKey);
        }
        else
        {
            model = parts.GetValueOrDefault(BundleNames.Model) ?? throw Fail(BundleFailure.Malformed, "the bundle has no model.onnx");
        }

        if (Convert.ToHexStringLower(SHA256.HashData(model)) != manifest.ModelSha256)
        {
            throw Fail(manifest.Encryption is null ? BundleFailure.PartMismatch : BundleFailure.DecryptionFailed, "the model does not match model_sha256 in the manifest");
        }

        return model;
    }

    private static T Read<T>(byte[] json, JsonTypeInfo<T> type, string name)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw Fail(BundleFailure.Malformed, $"{name} is empty");
        }
        catch (JsonException ex)
        {
            throw Fail(BundleFailure.Malformed, $"{name} is not valid JSON: {ex.Message}");
        }
    }

    // The signature file is not itself signed, so it must be byte-for-byte the form the packer writes: then no byte of it
    // can change (say, whitespace or an unknown field) without being noticed.
    private static T ReadCanonical<T>(byte[] json, JsonTypeInfo<T> type, string name)
        where T : class
    {
        var value = Read(json, type, name);
        if (!JsonSerializer.SerializeToUtf8Bytes(value, type).AsSpan().SequenceEqual(json))
        {
            throw Fail(BundleFailure.Malformed, $"{name} is not in canonical form");
        }

        return value;
    }

    private static BundleVerificationException Fail(BundleFailure failure, string message) => new(failure, message);
}

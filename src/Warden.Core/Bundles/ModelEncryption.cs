using System.Security.Cryptography;
using System.Text;

namespace Warden.Core.Bundles;

/// <summary>
/// Encrypts a bundle's model for one device: a random 256-bit content key encrypts the model with AES-256-GCM
/// (NIST SP 800-38D); an ephemeral P-256 key agrees a secret with the device's public key (ECDH, SP 800-56A), HKDF-SHA256
/// (RFC 5869) derives a key-encryption key from it, and that key wraps the content key, again with AES-256-GCM. The
/// bundle id is authenticated data of both encryptions, so parts cannot be moved between bundles. Only the holder of the
/// device's private key can unwrap the content key: a bundle copied to another device does not decrypt there.
/// </summary>
public static class ModelEncryption
{
    private const int TagSize = 16;
    private const int NonceSize = 12;

    /// <summary>Encrypts <paramref name="model"/>; returns ciphertext‖tag and the header for the manifest.</summary>
    public static (byte[] Ciphertext, BundleEncryption Header) Encrypt(byte[] model, string bundleId, ECDiffieHellman devicePublicKey)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(devicePublicKey);
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var ephemeralPublic = ephemeral.ExportSubjectPublicKeyInfo();
        var kek = DeriveKek(ephemeral.DeriveRawSecretAgreement(devicePublicKey.PublicKey), ephemeralPublic, bundleId);
        var contentKey = RandomNumberGenerator.GetBytes(32);
        var keyNonce = RandomNumberGenerator.GetBytes(NonceSize);
        var contentNonce = RandomNumberGenerator.GetBytes(NonceSize);
        var aad = Encoding.UTF8.GetBytes(bundleId);
        var wrapped = Seal(kek, keyNonce, contentKey, aad);
        var ciphertext = Seal(contentKey, contentNonce, model, aad);
        CryptographicOperations.ZeroMemory(contentKey);
        CryptographicOperations.ZeroMemory(kek);
        return (ciphertext, new BundleEncryption
        {
            RecipientKeyId = EcKeys.KeyId(devicePublicKey),
            EphemeralPublicKey = Convert.ToBase64String(ephemeralPublic),
            KeyNonce = Convert.ToBase64String(keyNonce),
            WrappedKey = Convert.ToBase64String(wrapped),
            ContentNonce = Convert.ToBase64String(contentNonce),
        });
    }

    /// <summary>Decrypts a model encrypted by <see cref="Encrypt"/> with the device's private key.</summary>
    /// <exception cref="BundleVerificationException"><see cref="BundleFailure.DecryptionFailed"/> when any input is wrong.</exception>
    public static byte[] Decrypt(byte[] ciphertext, BundleEncryption header, string bundleId, ECDiffieHellman devicePrivateKey)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(devicePrivateKey);
        if (header.Scheme != BundleEncryption.CurrentScheme)
        {
            throw new BundleVerificationException(BundleFailure.DecryptionFailed, $"unknown encryption scheme '{header.Scheme}'");
        }

        byte[]? kek = null;
        byte[]? contentKey = null;
        try
        {
            var ephemeralPublic = Convert.FromBase64String(header.EphemeralPublicKey);
            using var ephemeral = ECDiffieHellman.Create();
            ephemeral.ImportSubjectPublicKeyInfo(ephemeralPublic, out _);
            kek = DeriveKek(devicePrivateKey.DeriveRawSecretAgreement(ephemeral.PublicKey), ephemeralPublic, bundleId);
            var aad = Encoding.UTF8.GetBytes(bundleId);
            contentKey = Open(kek, Convert.FromBase64String(header.KeyNonce), Convert.FromBase64String(header.WrappedKey), aad);
            return Open(contentKey, Convert.FromBase64String(header.ContentNonce), ciphertext, aad);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            throw new BundleVerificationException(BundleFailure.DecryptionFailed, "the model cannot be decrypted with this device's key: " + ex.Message);
        }
        finally
        {
            if (kek is not null)
            {
                CryptographicOperations.ZeroMemory(kek);
            }

            if (contentKey is not null)
            {
                CryptographicOperations.ZeroMemory(contentKey);
            }
        }
    }

    private static byte[] DeriveKek(byte[] sharedSecret, byte[] ephemeralPublic, string bundleId)
    {
        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, sharedSecret, 32, salt: ephemeralPublic, info: Encoding.UTF8.GetBytes("warden-bundle-kek/1 " + bundleId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
        }
    }

    private static byte[] Seal(byte[] key, byte[] nonce, byte[] plaintext, byte[] aad)
    {
        using var gcm = new AesGcm(key, TagSize);
        var output = new byte[plaintext.Length + TagSize];
        gcm.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), aad);
        return output;
    }

    private static byte[] Open(byte[] key, byte[] nonce, byte[] sealedData, byte[] aad)
    {
        if (sealedData.Length < TagSize)
        {
            throw new CryptographicException("ciphertext shorter than its tag");
        }

        using var gcm = new AesGcm(key, TagSize);
        var plaintext = new byte[sealedData.Length - TagSize];
        gcm.Decrypt(nonce, sealedData.AsSpan(0, plaintext.Length), sealedData.AsSpan(plaintext.Length), plaintext, aad);
        return plaintext;
    }
}

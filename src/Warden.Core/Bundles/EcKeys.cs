using System.Security.Cryptography;

namespace Warden.Core.Bundles;

/// <summary>
/// NIST P-256 keys in PEM (PKCS#8 private, SubjectPublicKeyInfo public) for signing bundles (ECDSA) and for device
/// encryption (ECDH). A key id is <c>p256:</c> and the first 16 bytes, in hex, of the SHA-256 of the public key's DER
/// SubjectPublicKeyInfo, so it names the key without revealing anything secret.
/// </summary>
public static class EcKeys
{
    /// <summary>Creates a new P-256 key pair.</summary>
    public static ECDsa Generate() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>PKCS#8 PEM of the private key.</summary>
    public static string PrivatePem(ECDsa key) => key.ExportPkcs8PrivateKeyPem();

    /// <summary>SubjectPublicKeyInfo PEM of the public key.</summary>
    public static string PublicPem(AsymmetricAlgorithm key) => key.ExportSubjectPublicKeyInfoPem();

    /// <summary>Key id of a P-256 public (or private) key.</summary>
    public static string KeyId(AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return KeyId(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>Key id of a DER SubjectPublicKeyInfo.</summary>
    public static string KeyId(byte[] subjectPublicKeyInfo) =>
        "p256:" + Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo).AsSpan(0, 16));

    /// <summary>Loads an ECDSA P-256 key (private or public) from PEM text.</summary>
    /// <exception cref="ArgumentException">The PEM holds no key, or a key on another curve.</exception>
    public static ECDsa LoadSigningKey(string pem)
    {
        var key = ECDsa.Create();
        Import(key, pem);
        return key;
    }

    /// <summary>Loads an ECDH P-256 key (private or public) from PEM text.</summary>
    public static ECDiffieHellman LoadAgreementKey(string pem)
    {
        var key = ECDiffieHellman.Create();
        Import(key, pem);
        return key;
    }

    /// <summary>True when <paramref name="key"/> carries its private part.</summary>
    public static bool HasPrivateKey(ECAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            key.ExportParameters(includePrivateParameters: true);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static void Import(ECAlgorithm key, string pem)
    {
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new ArgumentException("not a PEM-encoded EC key: " + ex.Message, nameof(pem), ex);
        }

        var curve = key.ExportParameters(false).Curve;
        if (curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value && curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256" or "prime256v1"))
        {
            key.Dispose();
            throw new ArgumentException("the key is not on the P-256 curve", nameof(pem));
        }
    }
}

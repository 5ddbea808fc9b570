using System.Security.Cryptography;
using System.Text;

namespace Warden.Core.Access;

/// <summary>Generates API key secrets (256 bits from the OS CSPRNG) and hashes them for storage.</summary>
public static class ApiKeySecrets
{
    /// <summary>Prefix that makes Warden keys recognisable to secret scanners.</summary>
    public const string Prefix = "wdn_";

    /// <summary>A new secret: the prefix and 32 random bytes in base64url (43 characters).</summary>
    public static string NewSecret() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new public key id.</summary>
    public static string NewId() => "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>
    /// SHA-256 of the secret, hex. A fast hash is right here: the secret has 256 bits of entropy, so there is nothing to
    /// brute-force, unlike a password.
    /// </summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

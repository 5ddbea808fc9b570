using System.Security.Cryptography;
using Warden.Core.Bundles;

namespace Warden.Core.EdgeFleet;

/// <summary>
/// How a device proves that a registration or a telemetry batch comes from it: an ECDSA P-256 / SHA-256 signature (IEEE
/// P1363, base64) over the exact request body, made with the device key, in the <see cref="Header"/> header. The server
/// checks registrations against the public key they carry (proof of possession) and telemetry against the key the device
/// id was bound to at its first registration, so an API key allowed to infer cannot speak for another device.
/// </summary>
public static class DeviceSignature
{
    /// <summary>Request header carrying the signature.</summary>
    public const string Header = "X-Warden-Device-Signature";

    /// <summary>Signs <paramref name="body"/> with the device key; the base64 text of the header.</summary>
    public static string Sign(ECDsa deviceKey, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(deviceKey);
        return Convert.ToBase64String(deviceKey.SignData(body, HashAlgorithmName.SHA256));
    }

    /// <summary>
    /// The signing form of a device's agreement key. The device has one P-256 key (bundles are encrypted for it); signing
    /// with the same key pair keeps the device's identity one key id.
    /// </summary>
    public static ECDsa SigningKey(ECDiffieHellman deviceKey)
    {
        ArgumentNullException.ThrowIfNull(deviceKey);
        return ECDsa.Create(deviceKey.ExportParameters(includePrivateParameters: true));
    }

    /// <summary>True when <paramref name="signature"/> (base64) is a valid signature of <paramref name="body"/> by <paramref name="publicKeyPem"/>.</summary>
    public static bool Verify(string publicKeyPem, ReadOnlySpan<byte> body, string? signature)
    {
        if (string.IsNullOrWhiteSpace(signature))
        {
            return false;
        }

        var bytes = new byte[signature.Length];
        if (!Convert.TryFromBase64String(signature.Trim(), bytes, out var length))
        {
            return false;
        }

        try
        {
            using var key = EcKeys.LoadSigningKey(publicKeyPem);
            return key.VerifyData(body, bytes.AsSpan(0, length), HashAlgorithmName.SHA256);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            return false;
        }
    }
}

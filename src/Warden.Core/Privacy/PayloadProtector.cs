using System.Security.Cryptography;
using System.Text;

namespace Warden.Core.Privacy;

/// <summary>
/// Authenticated encryption of stored payloads with AES-256-GCM (NIST SP 800-38D): random 96-bit nonce, 128-bit tag,
/// and caller-supplied associated data (e.g. the prediction id) so a ciphertext cannot be moved to another row.
/// </summary>
/// <remarks>
/// Envelope: <c>version (1 byte, 0x01) ‖ key id (1 byte) ‖ nonce (12 bytes) ‖ ciphertext (len(plaintext)) ‖ tag (16 bytes)</c>.
/// The GCM associated data is <c>version ‖ key id ‖ associatedData</c>, so the header is authenticated too.
/// With random nonces SP 800-38D §8.3 limits one key to 2³² encryptions; rotate keys well before that.
/// Thread-safe.
/// </remarks>
public sealed class PayloadProtector
{
    /// <summary>Envelope format version.</summary>
    public const byte Version = 1;

    /// <summary>Bytes before the ciphertext: version, key id, nonce.</summary>
    public const int HeaderSize = 2 + NonceSize;

    /// <summary>GCM nonce length in bytes (96 bits).</summary>
    public const int NonceSize = 12;

    /// <summary>GCM tag length in bytes (128 bits).</summary>
    public const int TagSize = 16;

    private readonly KeyRing _keys;

    /// <summary>Creates a protector over <paramref name="keys"/>.</summary>
    public PayloadProtector(KeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys;
    }

    /// <summary>Encrypts <paramref name="plaintext"/> under the active key, bound to <paramref name="associatedData"/>.</summary>
    public byte[] Protect(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var envelope = new byte[HeaderSize + plaintext.Length + TagSize];
        envelope[0] = Version;
        envelope[1] = _keys.ActiveKeyId;
        var nonce = envelope.AsSpan(2, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var aad = AssociatedData(envelope.AsSpan(0, 2), associatedData);
        using var aes = new AesGcm(_keys.ActiveKey, TagSize);
        aes.Encrypt(nonce, plaintext, envelope.AsSpan(HeaderSize, plaintext.Length), envelope.AsSpan(HeaderSize + plaintext.Length), aad);
        return envelope;
    }

    /// <summary>Decrypts and verifies an envelope made by <see cref="Protect"/> with the same associated data.</summary>
    /// <exception cref="CryptographicException">
    /// Unknown version or key id, truncated envelope, wrong associated data, or any modified byte.
    /// </exception>
    public byte[] Unprotect(ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> associatedData)
    {
        if (envelope.Length < HeaderSize + TagSize)
        {
            throw new CryptographicException("Payload envelope is truncated.");
        }

        if (envelope[0] != Version)
        {
            throw new CryptographicException($"Unknown payload envelope version {envelope[0]}.");
        }

        if (!_keys.TryGetKey(envelope[1], out var key))
        {
            throw new CryptographicException($"Payload was encrypted with key {envelope[1]}, which is not in the key ring.");
        }

        int length = envelope.Length - HeaderSize - TagSize;
        var plaintext = new byte[length];
        var aad = AssociatedData(envelope[..2], associatedData);
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(envelope.Slice(2, NonceSize), envelope.Slice(HeaderSize, length), envelope[(HeaderSize + length)..], plaintext, aad);
        return plaintext;
    }

    /// <summary>UTF-8 convenience: returns the envelope as base64.</summary>
    public string ProtectString(string plaintext, string associatedData)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(associatedData);
        return Convert.ToBase64String(Protect(Encoding.UTF8.GetBytes(plaintext), Encoding.UTF8.GetBytes(associatedData)));
    }

    /// <summary>Inverse of <see cref="ProtectString"/>.</summary>
    /// <exception cref="CryptographicException">See <see cref="Unprotect"/>; also for input that is not base64.</exception>
    public string UnprotectString(string envelopeBase64, string associatedData)
    {
        ArgumentNullException.ThrowIfNull(envelopeBase64);
        ArgumentNullException.ThrowIfNull(associatedData);
        byte[] envelope;
        try
        {
            envelope = Convert.FromBase64String(envelopeBase64);
        }
        catch (FormatException e)
        {
            throw new CryptographicException("Payload envelope is not base64.", e);
        }

        return Encoding.UTF8.GetString(Unprotect(envelope, Encoding.UTF8.GetBytes(associatedData)));
    }

    /// <summary>True when <paramref name="envelope"/> was made with a key other than the active one (re-encrypt it).</summary>
    public bool NeedsReencryption(ReadOnlySpan<byte> envelope) => envelope.Length < 2 || envelope[1] != _keys.ActiveKeyId;

    private static byte[] AssociatedData(ReadOnlySpan<byte> header, ReadOnlySpan<byte> associatedData)
    {
        var aad = new byte[header.Length + associatedData.Length];
        header.CopyTo(aad);
        associatedData.CopyTo(aad.AsSpan(header.Length));
        return aad;
    }
}

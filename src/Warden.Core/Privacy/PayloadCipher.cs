using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Warden.Core.Privacy;

/// <summary>
/// Encryption at rest of stored payload columns. With keys configured, <see cref="Seal"/> returns the base64
/// <see cref="PayloadProtector"/> envelope (AES-256-GCM, key id in its header) bound to a context string such as
/// <c>prediction:ID:inputs</c>, and the id of the key used, which the store keeps beside the ciphertext. Without keys it
/// is the identity, so a fresh installation works unchanged. <see cref="Open"/> reverses either form.
/// </summary>
public sealed class PayloadCipher : IDisposable
{
    private readonly KeyRing? _ring;
    private readonly PayloadProtector? _protector;

    /// <summary>Builds the key ring from <see cref="PrivacyOptions.Encryption"/>.</summary>
    /// <exception cref="InvalidOperationException">A configured key or key file is invalid (the message says which).</exception>
    public PayloadCipher(IOptions<PrivacyOptions> options)
        : this(BuildRing(options.Value.Encryption))
    {
    }

    /// <summary>Uses <paramref name="ring"/>; null turns encryption off.</summary>
    public PayloadCipher(KeyRing? ring)
    {
        _ring = ring;
        _protector = ring is null ? null : new PayloadProtector(ring);
    }

    /// <summary>A cipher that stores plaintext (no keys).</summary>
    public static PayloadCipher None { get; } = new((KeyRing?)null);

    /// <summary>True when new payloads are encrypted.</summary>
    public bool Enabled => _protector is not null;

    /// <summary>Key id used for new ciphertexts, or null when encryption is off.</summary>
    public int? ActiveKeyId => _ring?.ActiveKeyId;

    /// <summary>Ids of the keys that can decrypt (empty when encryption is off).</summary>
    public IReadOnlyCollection<int> KeyIds => _ring is null ? [] : _ring.KeyIds.Select(id => (int)id).Order().ToArray();

    /// <summary>True when a payload stored under <paramref name="keyId"/> (null = plaintext) can be read.</summary>
    public bool CanRead(int? keyId) => keyId is null || (_ring is not null && _ring.KeyIds.Contains((byte)keyId.Value));

    /// <summary>True when a payload stored under <paramref name="keyId"/> is not under the active key (or is plaintext while keys exist).</summary>
    public bool NeedsReencryption(int? keyId) => Enabled && keyId != ActiveKeyId;

    /// <summary>The stored form of <paramref name="plaintext"/> and the key id to keep with it (null when not encrypted).</summary>
    public (string Stored, int? KeyId) Seal(string plaintext, string context)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(context);
        return _protector is null ? (plaintext, null) : (_protector.ProtectString(plaintext, context), _ring!.ActiveKeyId);
    }

    /// <summary>Null-preserving <see cref="Seal"/>.</summary>
    public string? SealNullable(string? plaintext, string context) => plaintext is null ? null : Seal(plaintext, context).Stored;

    /// <summary>The plaintext of a stored payload written with key <paramref name="keyId"/> (null = stored in clear).</summary>
    /// <exception cref="WardenException">503 with a clear message when the key is not configured or the ciphertext does not verify.</exception>
    public string Open(string stored, int? keyId, string context)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (keyId is null)
        {
            return stored;
        }

        if (_protector is null)
        {
            throw Unreadable(context, string.Create(CultureInfo.InvariantCulture,
                $"it is encrypted with payload key {keyId} but no encryption keys are configured (Warden:Privacy:Encryption)"));
        }

        try
        {
            return _protector.UnprotectString(stored, context);
        }
        catch (CryptographicException e)
        {
            throw Unreadable(context, e.Message);
        }
    }

    /// <summary>Null-preserving <see cref="Open"/>.</summary>
    public string? OpenNullable(string? stored, int? keyId, string context) => stored is null ? null : Open(stored, keyId, context);

    /// <summary>Zeroes the key material.</summary>
    public void Dispose() => _ring?.Dispose();

    /// <summary>A ring from <paramref name="options"/>, or null when no key is configured.</summary>
    /// <exception cref="InvalidOperationException">A configured key or key file is invalid.</exception>
    public static KeyRing? BuildRing(PayloadProtectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Keys.Count == 0 && string.IsNullOrWhiteSpace(options.KeyFile))
        {
            return null;
        }

        try
        {
            if (options.ActiveKeyId is null && string.IsNullOrWhiteSpace(options.KeyFile) && options.Keys.Count == 1)
            {
                // One key and nothing else: it is obviously the active one.
                var single = byte.Parse(options.Keys.Keys.Single(), NumberStyles.None, CultureInfo.InvariantCulture);
                return KeyRing.FromOptions(new PayloadProtectionOptions { ActiveKeyId = single, Keys = options.Keys });
            }

            return KeyRing.FromOptions(options);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IOException or UnauthorizedAccessException or OverflowException)
        {
            throw new InvalidOperationException($"Warden:Privacy:Encryption is invalid: {e.Message}", e);
        }
    }

    private static WardenException Unreadable(string context, string reason) =>
        new(503, $"Stored payload {context} cannot be read: {reason}. Restore the key in Warden:Privacy:Encryption:Keys (or the key file).");
}

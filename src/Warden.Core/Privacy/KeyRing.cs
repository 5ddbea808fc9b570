using System.Globalization;
using System.Security.Cryptography;

namespace Warden.Core.Privacy;

/// <summary>
/// The AES-256 keys of <see cref="PayloadProtector"/>: one active key for new ciphertexts and any number of older
/// keys (by one-byte id) that still decrypt. Rotation = add a key, make it active, keep the old ones until every
/// ciphertext under them is re-encrypted or expired.
/// </summary>
public sealed class KeyRing : IDisposable
{
    /// <summary>Key length in bytes (AES-256).</summary>
    public const int KeySize = 32;

    private readonly Dictionary<byte, byte[]> _keys;

    /// <summary>Creates a ring; the key bytes are copied.</summary>
    /// <exception cref="ArgumentException">A key is not 32 bytes, or <paramref name="activeKeyId"/> is not in <paramref name="keys"/>.</exception>
    public KeyRing(byte activeKeyId, IReadOnlyDictionary<byte, byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = [];
        foreach (var (id, key) in keys)
        {
            if (key is null || key.Length != KeySize)
            {
                throw new ArgumentException($"Key {id} must be {KeySize} bytes (AES-256).", nameof(keys));
            }

            _keys[id] = (byte[])key.Clone();
        }

        if (!_keys.ContainsKey(activeKeyId))
        {
            throw new ArgumentException($"Active key {activeKeyId} is not in the key ring.", nameof(activeKeyId));
        }

        ActiveKeyId = activeKeyId;
    }

    /// <summary>Id written into new envelopes.</summary>
    public byte ActiveKeyId { get; }

    /// <summary>Ids of all keys that can decrypt.</summary>
    public IReadOnlyCollection<byte> KeyIds => _keys.Keys;

    /// <summary>32 bytes from the operating system's CSPRNG, for provisioning a new key.</summary>
    public static byte[] GenerateKey() => RandomNumberGenerator.GetBytes(KeySize);

    /// <summary>Builds a ring from configuration values and/or the key file named in <paramref name="options"/>.</summary>
    /// <exception cref="FormatException">A key or id cannot be parsed, or no active key id is given.</exception>
    public static KeyRing FromOptions(PayloadProtectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var keys = new Dictionary<byte, byte[]>();
        int? active = null;
        foreach (var (id, base64) in options.Keys)
        {
            keys[ParseId(id)] = ParseKey(id, base64);
        }

        if (options.KeyFile is { Length: > 0 } path)
        {
            active = ReadKeyFile(File.ReadAllLines(path), keys);
        }

        active = options.ActiveKeyId ?? active;
        if (active is null)
        {
            throw new FormatException("No active payload key: set ActiveKeyId or an 'active:' line in the key file.");
        }

        return new KeyRing(ParseId(active.Value.ToString(CultureInfo.InvariantCulture)), keys);
    }

    /// <summary>Zeroes the key material.</summary>
    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    internal bool TryGetKey(byte id, out byte[] key) => _keys.TryGetValue(id, out key!);

    internal byte[] ActiveKey => _keys[ActiveKeyId];

    private static int? ReadKeyFile(IEnumerable<string> lines, Dictionary<byte, byte[]> keys)
    {
        int? active = null;
        int number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"Key file line {number}: expected 'ID: BASE64' or 'active: ID'.");
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("active", StringComparison.OrdinalIgnoreCase))
            {
                active = ParseId(value);
                continue;
            }

            var id = ParseId(name);
            if (!keys.TryAdd(id, ParseKey(name, value)))
            {
                throw new FormatException($"Key file line {number}: key {id} is defined twice.");
            }
        }

        return active;
    }

    private static byte ParseId(string text)
    {
        if (!byte.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw new FormatException($"Key id '{text}' must be an integer 0–255.");
        }

        return id;
    }

    private static byte[] ParseKey(string id, string base64)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new FormatException($"Key {id} is not valid base64.");
        }

        if (key.Length != KeySize)
        {
            throw new FormatException($"Key {id} is {key.Length} bytes; AES-256 needs {KeySize}.");
        }

        return key;
    }
}

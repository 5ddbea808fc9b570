using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Warden.Core.Privacy;

/// <summary>
/// Applies a <see cref="RedactionPolicy"/> to a feature map before storage. Hashed values are
/// <c>hmac:</c> + lowercase hex of the first bytes of HMAC-SHA256 (RFC 2104, FIPS 198-1) under a secret key over
/// UTF-8 <c>featureName ‖ 0x1F ‖ canonicalValue</c>; the name is included so equal values of different features do not link.
/// </summary>
/// <remarks>
/// Canonical values: strings as given, numbers in invariant culture round-trip form, booleans as <c>true</c>/<c>false</c>,
/// other values through <see cref="IFormattable"/> with the invariant culture; null stays null.
/// Truncation to 16 bytes (128 bits) by default keeps collisions negligible for stored rows. Thread-safe.
/// </remarks>
public sealed class FeatureRedactor : IDisposable
{
    /// <summary>Prefix of hashed values.</summary>
    public const string HashPrefix = "hmac:";

    private readonly RedactionPolicy _policy;
    private readonly byte[] _key;
    private readonly int _hashBytes;

    /// <summary>Creates a redactor; <paramref name="hmacKey"/> (≥ 16 bytes) is copied.</summary>
    public FeatureRedactor(RedactionPolicy policy, ReadOnlySpan<byte> hmacKey, int hashBytes = 16)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (hmacKey.Length < 16)
        {
            throw new ArgumentException("The HMAC key needs at least 16 bytes.", nameof(hmacKey));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(hashBytes, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hashBytes, 32);
        _policy = policy;
        _key = hmacKey.ToArray();
        _hashBytes = hashBytes;
    }

    /// <summary>Returns a new map with dropped features removed and hashed ones replaced by their <c>hmac:</c> string.</summary>
    public Dictionary<string, object?> Redact(IEnumerable<KeyValuePair<string, object?>> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in features)
        {
            switch (_policy.ActionFor(name))
            {
                case RedactionAction.Keep:
                    result[name] = value;
                    break;
                case RedactionAction.Hash:
                    result[name] = value is null ? null : Hash(name, Canonical(value));
                    break;
                case RedactionAction.Drop:
                    break;
            }
        }

        return result;
    }

    /// <summary>The stored form of <paramref name="value"/> of <paramref name="feature"/> under the Hash action.</summary>
    public string Hash(string feature, string value)
    {
        ArgumentNullException.ThrowIfNull(feature);
        ArgumentNullException.ThrowIfNull(value);
        var message = Encoding.UTF8.GetBytes(feature + "\u001f" + value);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, message, mac);
        return HashPrefix + Convert.ToHexStringLower(mac[.._hashBytes]);
    }

    /// <summary>The stored form of one element of <paramref name="feature"/> under the Hash action (canonical form as in the remarks).</summary>
    public string HashValue(string feature, object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Hash(feature, Canonical(value));
    }

    /// <summary>Zeroes the HMAC key.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    private static string Canonical(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

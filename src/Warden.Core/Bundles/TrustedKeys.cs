using System.Security.Cryptography;

namespace Warden.Core.Bundles;

/// <summary>The signing keys a verifier accepts, by key id.</summary>
public sealed class TrustedKeys : IDisposable
{
    private readonly Dictionary<string, ECDsa> _keys = new(StringComparer.Ordinal);

    /// <summary>Key ids of the trusted keys.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>Trusts the public key in <paramref name="pem"/>; returns its key id.</summary>
    public string AddPem(string pem)
    {
        var key = EcKeys.LoadSigningKey(pem);
        var id = EcKeys.KeyId(key);

        // Only the public half is kept, so a trust store can never be used to sign.
        var publicOnly = ECDsa.Create();
        publicOnly.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        key.Dispose();
        if (_keys.Remove(id, out var previous))
        {
            previous.Dispose();
        }

        _keys[id] = publicOnly;
        return id;
    }

    /// <summary>The public key with <paramref name="keyId"/>, if trusted.</summary>
    public ECDsa? Find(string keyId) => _keys.GetValueOrDefault(keyId);

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }

        _keys.Clear();
    }
}

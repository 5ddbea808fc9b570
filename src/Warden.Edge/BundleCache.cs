using System.Text.Json;
using Warden.Core.Bundles;

namespace Warden.Edge;

/// <summary>
/// Bundles kept on the device (<c>bundles/&lt;id&gt;.wdn</c>), the ones in service (<c>active.json</c>: model → bundle id)
/// and the last revocation list seen. Files are replaced by rename, so a crash leaves the old state or the new one.
/// </summary>
public sealed class BundleCache
{
    private readonly string _dir;
    private readonly string _activeFile;
    private readonly string _revocationsFile;

    public BundleCache(string dataDir)
    {
        _dir = Path.Combine(dataDir, "bundles");
        Directory.CreateDirectory(_dir);
        _activeFile = Path.Combine(dataDir, "active.json");
        _revocationsFile = Path.Combine(dataDir, "revocations.json");
    }

    public bool Contains(string bundleId) => File.Exists(PathOf(bundleId));

    public byte[] Read(string bundleId) => File.ReadAllBytes(PathOf(bundleId));

    public void Write(string bundleId, byte[] bundle) => WriteAtomically(PathOf(bundleId), bundle);

    public void Delete(string bundleId)
    {
        if (File.Exists(PathOf(bundleId)))
        {
            File.Delete(PathOf(bundleId));
        }
    }

    public Dictionary<string, string> ReadActive() =>
        File.Exists(_activeFile) ? JsonSerializer.Deserialize(File.ReadAllBytes(_activeFile), EdgeWireJson.Default.DictionaryStringString) ?? [] : [];

    public void WriteActive(IReadOnlyDictionary<string, string> active) => WriteAtomically(_activeFile, JsonSerializer.SerializeToUtf8Bytes(active.ToDictionary(StringComparer.Ordinal), EdgeWireJson.Default.DictionaryStringString));

    public BundleRevocations ReadRevocations() =>
        File.Exists(_revocationsFile) ? BundleRevocations.Parse(File.ReadAllText(_revocationsFile)) : new BundleRevocations();

    public void WriteRevocations(BundleRevocations revocations) => WriteAtomically(_revocationsFile, System.Text.Encoding.UTF8.GetBytes(revocations.ToJson()));

    private string PathOf(string bundleId) =>
        BundleNames.IsValidReferenceName(bundleId) ? Path.Combine(_dir, bundleId + ".wdn") : throw new ArgumentException($"invalid bundle id '{bundleId}'", nameof(bundleId));

    private static void WriteAtomically(string path, byte[] bytes)
    {
        File.WriteAllBytes(path + ".tmp", bytes);
        File.Move(path + ".tmp", path, overwrite: true);
    }
}

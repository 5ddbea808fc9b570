using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Warden.Core.Explanations;

/// <summary>
/// Background samples stored beside the model blobs: <c>&lt;DataDir&gt;/backgrounds/&lt;model&gt;/&lt;version&gt;.csv</c>,
/// written once with the version (versions are immutable, so a sample is never replaced). Parsed samples are cached.
/// </summary>
public sealed partial class BackgroundStore
{
    private readonly string _root;
    private readonly ConcurrentDictionary<(string, string), BackgroundSample?> _cache = new();

    public BackgroundStore(string dataDir)
    {
        _root = Path.Combine(dataDir, "backgrounds");
    }

    /// <summary>Stores the sample of a version; an existing sample is kept (first write wins).</summary>
    public async Task PutAsync(string model, string version, string csv, CancellationToken cancellationToken = default)
    {
        BackgroundSample.Parse(csv);
        var path = PathOf(model, version);
        if (File.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllTextAsync(temp, csv, cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: false);
        _cache.TryRemove((model, version), out _);
    }

    /// <summary>The sample of a version, or null when none was stored.</summary>
    public BackgroundSample? Get(string model, string version) =>
        _cache.GetOrAdd((model, version), key =>
        {
            var path = PathOf(key.Item1, key.Item2);
            return File.Exists(path) ? BackgroundSample.Parse(File.ReadAllText(path)) : null;
        });

    private string PathOf(string model, string version) =>
        SafeName().IsMatch(model) && SafeName().IsMatch(version)
            ? Path.Combine(_root, model, version + ".csv")
            : throw WardenException.BadRequest($"'{model}/{version}' is not a valid model version");

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,62}$")]
    private static partial Regex SafeName();
}

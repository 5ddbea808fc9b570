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
    private readonly ConcurrentDictionary<(string, string), BackgroundSample> _cache = new();

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
    }

    /// <summary>The sample of a version, or null when none was stored.</summary>
    public BackgroundSample? Get(string model, string version)
    {
        if (_cache.TryGetValue((model, version), out var cached))
        {
            return cached;
        }

        // Absence is not cached: a lookup racing the version's deployment would otherwise hide its sample for good.
        var path = PathOf(model, version);
        return File.Exists(path) ? _cache.GetOrAdd((model, version), BackgroundSample.Parse(File.ReadAllText(path))) : null;
    }

    /// <summary>The stored CSV text of a version's sample, or null when none was stored.</summary>
    public async Task<string?> ReadTextAsync(string model, string version, CancellationToken cancellationToken = default)
    {
        var path = PathOf(model, version);
        return File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : null;
    }

    private string PathOf(string model, string version) =>
        SafeName().IsMatch(model) && SafeName().IsMatch(version)
            ? Path.Combine(_root, model, version + ".csv")
            : throw WardenException.BadRequest($"'{model}/{version}' is not a valid model version");

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,62}$")]
    private static partial Regex SafeName();
}

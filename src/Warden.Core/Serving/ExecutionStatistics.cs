using System.Collections.Concurrent;

namespace Warden.Core.Serving;

/// <summary>
/// Statistics of every model version served since start (Triton's statistics extension). Entries are created only for
/// registered versions (the registry asks when it loads one, the inference path once a version is resolved), so
/// callers cannot grow it by inventing names.
/// </summary>
public sealed class ExecutionStatistics
{
    private readonly ConcurrentDictionary<(string Model, string Version), VersionStatistics> _versions = new();

    /// <summary>The statistics of a version, created on first use.</summary>
    public VersionStatistics For(string model, string version) =>
        _versions.GetOrAdd((model, version), key => new VersionStatistics(key.Model, key.Version));

    /// <summary>The statistics of a version, or null when it has none yet.</summary>
    public VersionStatistics? Find(string model, string version) => _versions.GetValueOrDefault((model, version));
}

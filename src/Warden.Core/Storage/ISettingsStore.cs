using Warden.Core.Settings;

namespace Warden.Core.Storage;

/// <summary>Persistence of versioned per-model settings documents.</summary>
public interface ISettingsStore
{
    /// <summary>Appends a new version (its number is the next for model and kind) and returns it.</summary>
    Task<SettingsVersion> AppendAsync(string model, string kind, string json, string actor, DateTimeOffset time, CancellationToken cancellationToken = default);

    /// <summary>The latest version of every (model, kind).</summary>
    Task<IReadOnlyList<SettingsVersion>> ListLatestAsync(CancellationToken cancellationToken = default);

    /// <summary>All versions of one (model, kind), oldest first.</summary>
    Task<IReadOnlyList<SettingsVersion>> ListVersionsAsync(string model, string kind, CancellationToken cancellationToken = default);
}

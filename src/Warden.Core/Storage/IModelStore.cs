using Warden.Core.Registry;

namespace Warden.Core.Storage;

/// <summary>Persistence of model versions and their stages.</summary>
public interface IModelStore
{
    /// <summary>All versions of all models, ordered by model then numeric version.</summary>
    Task<IReadOnlyList<ModelVersionRecord>> ListVersionsAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a new version; fails if (model, version) exists.</summary>
    Task AddVersionAsync(ModelVersionRecord record, CancellationToken cancellationToken = default);

    /// <summary>Sets the stage of versions atomically (e.g. new production + old production archived) and
    /// appends the production history when a version becomes production.</summary>
    Task SetStagesAsync(string model, IReadOnlyDictionary<string, string> versionStages, CancellationToken cancellationToken = default);

    /// <summary>Versions that have been production, most recent first.</summary>
    Task<IReadOnlyList<string>> GetProductionHistoryAsync(string model, CancellationToken cancellationToken = default);
}

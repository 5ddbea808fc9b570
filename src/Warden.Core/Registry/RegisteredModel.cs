namespace Warden.Core.Registry;

/// <summary>A model as the registry currently serves it: its versions, its production version and the loaded sessions.</summary>
public sealed record RegisteredModel(
    string Name,
    IReadOnlyList<ModelVersionRecord> Versions,
    string? ProductionVersion,
    IReadOnlyDictionary<string, Inference.LoadedModel> Loaded)
{
    /// <summary>Version record by label, or null.</summary>
    public ModelVersionRecord? FindVersion(string version) => Versions.FirstOrDefault(v => v.Version == version);
}

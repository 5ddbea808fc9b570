using Warden.Core.Pipelines;

namespace Warden.Core.Registry;

/// <summary>
/// A model (or pipeline) as the registry currently serves it: its versions, its production version, the loaded sessions
/// and, for a pipeline, the compiled pipeline versions.
/// </summary>
public sealed record RegisteredModel(
    string Name,
    IReadOnlyList<ModelVersionRecord> Versions,
    string? ProductionVersion,
    IReadOnlyDictionary<string, Inference.LoadedModel> Loaded,
    IReadOnlyDictionary<string, PipelineDeployment>? Pipelines = null)
{
    /// <summary>Version record by label, or null.</summary>
    public ModelVersionRecord? FindVersion(string version)
    {
        // A loop, not FirstOrDefault: every inference looks its version up, several times, and a lambda capturing the
        // version would be allocated each time.
        for (var i = 0; i < Versions.Count; i++)
        {
            if (Versions[i].Version == version)
            {
                return Versions[i];
            }
        }

        return null;
    }

    /// <summary>True when the name holds pipeline versions.</summary>
    public bool IsPipeline => Versions.Count > 0 && Versions[0].Kind == ModelKinds.Pipeline;

    /// <summary>True when <paramref name="version"/> is loaded and can answer requests (a session or a compiled pipeline).</summary>
    public bool IsServable(string version) => Loaded.ContainsKey(version) || (Pipelines?.ContainsKey(version) ?? false);
}

namespace Warden.Core.Cluster;

/// <summary>A note from one replica to the others that state they cache has changed in the shared store.</summary>
/// <param name="Kind">What changed: one of <see cref="ClusterSignal.Models"/>, <see cref="ClusterSignal.Settings"/>, <see cref="ClusterSignal.Keys"/>, or <see cref="ClusterSignal.Resync"/>.</param>
/// <param name="Origin">Instance id of the replica that made the change (a replica ignores its own signals).</param>
public sealed record ClusterSignal(string Kind, string Origin)
{
    /// <summary>The model registry changed (deploy, promote, stage, rollback).</summary>
    public const string Models = "models";

    /// <summary>A per-model settings document changed.</summary>
    public const string Settings = "settings";

    /// <summary>An API key was created or revoked (including suspension by abuse monitoring).</summary>
    public const string Keys = "keys";

    /// <summary>Signals may have been missed (the channel was down): reload everything.</summary>
    public const string Resync = "resync";
}

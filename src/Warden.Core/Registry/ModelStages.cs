namespace Warden.Core.Registry;

/// <summary>Lifecycle stages of a model version.</summary>
public static class ModelStages
{
    /// <summary>Deployed, loaded, addressable by explicit version; not the default.</summary>
    public const string Staging = "staging";

    /// <summary>The version requests without a version go to; at most one per model.</summary>
    public const string Production = "production";

    /// <summary>Retired and unloaded.</summary>
    public const string Archived = "archived";

    /// <summary>True for a known stage name.</summary>
    public static bool IsValid(string? stage) => stage is Staging or Production or Archived;
}

namespace Warden.Contracts.Admin;

/// <summary>A registered model and its versions.</summary>
public sealed class ModelSummary
{
    /// <summary>Model name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Version in production, if any.</summary>
    public string? ProductionVersion { get; set; }

    /// <summary>All versions, oldest first.</summary>
    public List<ModelVersionInfo> Versions { get; set; } = [];
}

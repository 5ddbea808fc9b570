namespace Warden.Core.Pipelines;

/// <summary>A model in an ensemble step.</summary>
public sealed class EnsembleMember
{
    /// <summary>Registered model name.</summary>
    public string Model { get; set; } = "";

    /// <summary>Version (production when null).</summary>
    public string? Version { get; set; }

    /// <summary>Weight (positive).</summary>
    public double Weight { get; set; } = 1;
}

namespace Warden.Core.EdgeFleet;

/// <summary>Configuration of edge publication (<c>Warden:Edge</c>).</summary>
public sealed class EdgeFleetOptions
{
    /// <summary>PEM files of the public keys whose bundles may be published; uploads are refused while there is none.</summary>
    public List<string> TrustedKeyFiles { get; set; } = [];
}

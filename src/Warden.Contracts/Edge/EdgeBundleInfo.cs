namespace Warden.Contracts.Edge;

/// <summary>A bundle published for edge devices.</summary>
public sealed class EdgeBundleInfo
{
    /// <summary>Bundle id from the signed manifest.</summary>
    public string BundleId { get; set; } = "";

    /// <summary>Model name.</summary>
    public string Model { get; set; } = "";

    /// <summary>Model version label.</summary>
    public string Version { get; set; } = "";

    /// <summary>The device group the bundle is published to.</summary>
    public string Channel { get; set; } = "";

    /// <summary>SHA-256 of the whole .wdn file.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>Size of the .wdn file in bytes.</summary>
    public long SizeBytes { get; set; }

    /// <summary>Key id of the signing key.</summary>
    public string SignerKeyId { get; set; } = "";

    /// <summary>True when the model is encrypted for one device.</summary>
    public bool Encrypted { get; set; }

    /// <summary>When the bundle was packed.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the bundle stops being valid.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Key id of the uploader.</summary>
    public string UploadedBy { get; set; } = "";

    /// <summary>When it was uploaded.</summary>
    public DateTimeOffset UploadedAt { get; set; }

    /// <summary>When the bundle was revoked; null while it is live.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}

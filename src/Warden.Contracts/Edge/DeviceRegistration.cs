namespace Warden.Contracts.Edge;

/// <summary>An edge device announcing itself: its id, its channel and the id of its P-256 public key.</summary>
public sealed class DeviceRegistration
{
    /// <summary>Device id (letters, digits, '.', '_', '-').</summary>
    public string DeviceId { get; set; } = "";

    /// <summary>Channel (device group).</summary>
    public string Channel { get; set; } = "";

    /// <summary>Key id of the device's P-256 public key, if it has one.</summary>
    public string? KeyId { get; set; }
}

namespace Warden.Contracts.Edge;

/// <summary>
/// An edge device announcing itself: its id, its channel and its P-256 public key. The request is signed with the device
/// key (header <c>X-Warden-Device-Signature</c>); the first registration binds the device id to that key.
/// </summary>
public sealed class DeviceRegistration
{
    /// <summary>Device id (letters, digits, '.', '_', '-').</summary>
    public string DeviceId { get; set; } = "";

    /// <summary>Channel (device group).</summary>
    public string Channel { get; set; } = "";

    /// <summary>Key id of the device's P-256 public key, if it has one.</summary>
    public string? KeyId { get; set; }

    /// <summary>The device's P-256 public key (SubjectPublicKeyInfo PEM); telemetry for the device must be signed with its private part.</summary>
    public string? PublicKey { get; set; }
}

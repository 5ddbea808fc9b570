namespace Warden.Contracts.Edge;

/// <summary>Answer of <c>POST /edge/devices/{id}/unbind</c>.</summary>
public sealed class DeviceUnbinding
{
    /// <summary>The device id, now free to register with a new device key.</summary>
    public string DeviceId { get; set; } = "";

    /// <summary>The key id the device was bound to, or null when it was bound to none.</summary>
    public string? ReleasedKeyId { get; set; }
}

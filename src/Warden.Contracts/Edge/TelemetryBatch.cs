namespace Warden.Contracts.Edge;

/// <summary>Telemetry uploaded by a device, signed with its key; uploading the same batch twice stores it once.</summary>
public sealed class TelemetryBatch
{
    /// <summary>Device id (letters, digits, '.', '_', '-').</summary>
    public string DeviceId { get; set; } = "";

    /// <summary>
    /// The device's sequence epoch: a random id the device picks when its telemetry store is created. Sequence numbers are
    /// unique within an epoch, so a device whose data was wiped starts a new epoch rather than reusing numbers the server
    /// already holds. Letters, digits and '-', at most 64; empty for devices that predate epochs.
    /// </summary>
    public string? Epoch { get; set; }

    /// <summary>Records in sequence order.</summary>
    public List<TelemetryRecord> Records { get; set; } = [];
}

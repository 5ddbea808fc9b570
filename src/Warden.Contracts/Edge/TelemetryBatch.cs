namespace Warden.Contracts.Edge;

/// <summary>Telemetry uploaded by a device; uploading the same batch twice stores it once.</summary>
public sealed class TelemetryBatch
{
    /// <summary>Device id (letters, digits, '.', '_', '-').</summary>
    public string DeviceId { get; set; } = "";

    /// <summary>Records in sequence order.</summary>
    public List<TelemetryRecord> Records { get; set; } = [];
}

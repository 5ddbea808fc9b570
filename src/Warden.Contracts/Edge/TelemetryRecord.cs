using System.Text.Json;

namespace Warden.Contracts.Edge;

/// <summary>One telemetry event from a device; <see cref="Sequence"/> is unique per device and epoch, never reused.</summary>
public sealed class TelemetryRecord
{
    /// <summary>The sequence epoch the record belongs to (set when the server lists a device's telemetry).</summary>
    public string? Epoch { get; set; }

    /// <summary>Per-device sequence number.</summary>
    public long Sequence { get; set; }

    /// <summary>When the event happened on the device.</summary>
    public DateTimeOffset Time { get; set; }

    /// <summary>Event kind, e.g. <c>prediction</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>Event payload.</summary>
    public JsonElement? Data { get; set; }
}

namespace Warden.Contracts.Edge;

/// <summary>The server's answer to a telemetry upload.</summary>
public sealed class TelemetryAck
{
    /// <summary>Records stored for the first time.</summary>
    public int Accepted { get; set; }

    /// <summary>Records the server already had (same device and sequence).</summary>
    public int Duplicates { get; set; }
}

namespace Warden.Edge;

/// <summary>What <c>GET /edge/status</c> answers: the bundles in service, refusals and the telemetry backlog.</summary>
public sealed record EdgeStatus(
    string DeviceId,
    string Channel,
    IReadOnlyList<EdgeStatus.ServedBundle> Models,
    IReadOnlyList<EdgeStatus.ExpiredBundle> Expired,
    EdgeRefusal? LastRefusal,
    long Refusals,
    long TelemetryPending,
    long TelemetryDropped,
    EdgeStatus.TelemetryState Telemetry,
    ServerRefusal? ServerRefusal,
    bool ServerBreakerOpen)
{
    /// <summary>A bundle in service.</summary>
    public sealed record ServedBundle(string Model, string Version, string BundleId, DateTimeOffset ExpiresAt);

    /// <summary>A bundle that expired, and whether its model now falls back to the server.</summary>
    public sealed record ExpiredBundle(string? Model, string BundleId, string Reason, bool FallsBackToServer);

    /// <summary>The telemetry buffer, and what the server counted of it.</summary>
    public sealed record TelemetryState(string Epoch, long Pending, long PendingBytes, long Dropped, long AcceptedByServer, long DuplicatesByServer);
}

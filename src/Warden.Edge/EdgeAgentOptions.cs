using Warden.Core.Access;

namespace Warden.Edge;

/// <summary>Settings of the edge agent (<c>warden edge</c>).</summary>
public sealed class EdgeAgentOptions
{
    /// <summary>Warden server to sync with and fall back to.</summary>
    public required Uri Server { get; init; }

    /// <summary>API key the device uses with the server (a consumer key is enough).</summary>
    public required string ApiKey { get; init; }

    /// <summary>This device's P-256 private key (PEM): its identity and the key encrypted bundles are opened with.</summary>
    public required string DeviceKeyPem { get; init; }

    /// <summary>Public keys (PEM) of the signers whose bundles this device accepts.</summary>
    public required IReadOnlyList<string> TrustedSignerPems { get; init; }

    /// <summary>Where bundles, the prediction log and buffered telemetry are kept.</summary>
    public required string DataDir { get; init; }

    /// <summary>Device id; defaults to the device key id.</summary>
    public string? DeviceId { get; init; }

    /// <summary>Channel (device group) to pull bundles from.</summary>
    public string Channel { get; init; } = "stable";

    /// <summary>Local listening address; port 0 picks a free port.</summary>
    public string Listen { get; init; } = "http://127.0.0.1:8090";

    /// <summary>Time between syncs and telemetry uploads.</summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a request forwarded to the server may take.</summary>
    public TimeSpan FallbackTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive server failures that open the circuit breaker.</summary>
    public int BreakerThreshold { get; init; } = 3;

    /// <summary>How long an open breaker refuses calls before letting one through.</summary>
    public TimeSpan BreakerCooldown { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Keys local callers must present (<c>Authorization: Bearer</c> or <c>X-API-Key</c>), with their roles, model scopes,
    /// purposes and limits, as the server's keys have them. Empty: callers are not authenticated, which the agent allows
    /// only when it listens on loopback.
    /// </summary>
    public IReadOnlyList<ApiKeyRecord> LocalKeys { get; init; } = [];

    /// <summary>Upper bound on buffered telemetry on disk; the oldest records are dropped beyond it.</summary>
    public long TelemetryCapBytes { get; init; } = 64L * 1024 * 1024;
}

using Warden.Core;
using Warden.Core.Abuse;
using Warden.Core.Monitoring;
using Warden.Core.Storage;
using Warden.Server.Auth;

namespace Warden.Server.Apis;

/// <summary>
/// Abuse monitoring: <c>GET /api/abuse/alerts?since=&amp;model=&amp;key=&amp;limit=</c> (auditor, admin) answers stored
/// extraction, volume and sweep alerts (newest first; <c>since</c> is a duration such as <c>24h</c> or an ISO 8601 time)
/// and the monitor's queue counters since start.
/// </summary>
public static class AbuseApi
{
    private const int MaxPage = 1000;

    /// <summary>Maps the alerts endpoint.</summary>
    public static WebApplication UseWardenAbuse(this WebApplication app)
    {
        app.MapGet("/api/abuse/alerts", async (string? since, string? model, string? key, int? limit, AbuseMonitor monitor, IAbuseAlertStore store, TimeProvider time, CancellationToken ct) =>
        {
            var size = limit switch
            {
                null => 100,
                < 1 or > MaxPage => throw WardenException.BadRequest($"'limit' must be between 1 and {MaxPage}"),
                _ => limit.Value,
            };
            var stored = await store.QueryAsync(TimeWindow.Since(since, time.GetUtcNow()), NullIfEmpty(model), NullIfEmpty(key), size, ct);
            var alerts = stored.Select(a => new
            {
                model = a.Model,
                keyId = a.Alert.KeyId,
                kind = a.Alert.Kind.ToString(),
                statistic = a.Alert.Statistic,
                threshold = a.Alert.Threshold,
                queryCount = a.Alert.QueryCount,
                detectedAt = a.Alert.DetectedAt,
                detail = a.Alert.Detail,
                suspended = a.Suspended,
            });
            return new { processed = monitor.Processed, dropped = monitor.Dropped, unobservable = monitor.Unobservable, items = alerts };
        }).WithTags("abuse").RequireAuthorization(WardenPolicies.Audit)
            .WithName("ListAbuseAlerts").WithSummary("Abuse and model-extraction alerts");
        return app;
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}

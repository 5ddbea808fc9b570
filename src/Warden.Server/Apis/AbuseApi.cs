using Warden.Core.Abuse;
using Warden.Server.Auth;

namespace Warden.Server.Apis;

/// <summary>
/// Abuse monitoring: <c>GET /api/abuse/alerts?model=&amp;key=</c> (auditor, admin) answers recent model-extraction alerts
/// (newest first) and the monitor's queue counters.
/// </summary>
public static class AbuseApi
{
    /// <summary>Maps the alerts endpoint.</summary>
    public static WebApplication UseWardenAbuse(this WebApplication app)
    {
        app.MapGet("/api/abuse/alerts", (string? model, string? key, AbuseMonitor monitor) =>
        {
            var alerts = monitor.Alerts
                .Where(a => string.IsNullOrEmpty(model) || a.Model == model)
                .Where(a => string.IsNullOrEmpty(key) || a.Alert.KeyId == key)
                .Reverse()
                .Select(a => new
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
        }).WithTags("abuse").RequireAuthorization(WardenPolicies.Audit);
        return app;
    }
}

using Warden.Core;
using Warden.Core.Monitoring;
using Warden.Core.Usage;
using Warden.Server.Auth;

namespace Warden.Server.Apis;

/// <summary>
/// Usage monitoring: <c>GET /api/usage?key=&amp;model=&amp;since=24h</c> (auditor, admin) answers hourly counts of requests,
/// errors and policy violations per key, model and purpose, with totals; <c>GET /api/usage/refusals</c> the refused calls
/// by reason (the step that refused, as in the <c>warden.inference.refusals</c> metric) and status.
/// </summary>
public static class UsageApi
{
    private static readonly TimeSpan MaxRange = TimeSpan.FromDays(400);

    /// <summary>Adds the usage endpoint.</summary>
    public static WebApplication MapUsageApi(this WebApplication app)
    {
        app.MapGet("/api/usage", async (string? key, string? model, string? since, UsageMeter meter, TimeProvider time, CancellationToken ct) =>
        {
            var from = Since(since, time);
            var rows = await meter.QueryAsync(string.IsNullOrEmpty(key) ? null : key, string.IsNullOrEmpty(model) ? null : model, from, ct);
            return new
            {
                since = from,
                totals = new { requests = rows.Sum(r => r.Requests), errors = rows.Sum(r => r.Errors), violations = rows.Sum(r => r.Violations) },
                buckets = rows.Select(r => new { bucket = r.Bucket, key = r.KeyId, model = r.Model, purpose = r.Purpose, requests = r.Requests, errors = r.Errors, violations = r.Violations }),
            };
        }).WithTags("usage").RequireAuthorization(WardenPolicies.Audit)
            .WithName("GetUsage").WithSummary("Usage counts by key and model");
        app.MapGet("/api/usage/refusals", async (string? key, string? model, string? since, UsageMeter meter, TimeProvider time, CancellationToken ct) =>
        {
            var from = Since(since, time);
            var rows = await meter.QueryRefusalsAsync(string.IsNullOrEmpty(key) ? null : key, string.IsNullOrEmpty(model) ? null : model, from, ct);
            return new
            {
                since = from,
                total = rows.Sum(r => r.Count),
                reasons = rows.GroupBy(r => (r.Reason, r.Status)).OrderByDescending(g => g.Sum(r => r.Count)).ThenBy(g => g.Key.Reason, StringComparer.Ordinal)
                    .Select(g => new { reason = g.Key.Reason, status = g.Key.Status, count = g.Sum(r => r.Count) }),
                buckets = rows.Select(r => new { bucket = r.Bucket, key = r.KeyId, model = r.Model, reason = r.Reason, status = r.Status, count = r.Count }),
            };
        }).WithTags("usage").RequireAuthorization(WardenPolicies.Audit)
            .WithName("GetRefusals").WithSummary("Refused inference calls by reason (the refusing step) and status, per hour, key and model");
        return app;
    }

    private static DateTimeOffset Since(string? since, TimeProvider time)
    {
        var span = TimeWindow.Parse(since ?? "24h", "since");
        return span > MaxRange ? throw WardenException.BadRequest("'since' must be at most 400 days") : time.GetUtcNow() - span;
    }
}

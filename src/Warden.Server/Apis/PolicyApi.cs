using System.Globalization;
using Warden.Core;
using Warden.Core.Usage;
using Warden.Server.Auth;

namespace Warden.Server.Apis;

/// <summary>
/// Usage monitoring: <c>GET /api/usage?key=&amp;model=&amp;since=24h</c> (auditor, admin) answers hourly counts of requests,
/// errors and policy violations per key, model and purpose, with totals. Also turns on HSTS when <c>Warden:Https:Hsts</c> is true.
/// </summary>
public static class PolicyApi
{
    private static readonly TimeSpan MaxRange = TimeSpan.FromDays(400);

    /// <summary>Adds HSTS (when configured) and the usage endpoint.</summary>
    public static WebApplication UseWardenPolicies(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>("Warden:Https:Hsts"))
        {
            app.UseHsts();
        }

        app.MapGet("/api/usage", async (string? key, string? model, string? since, UsageMeter meter, TimeProvider time, CancellationToken ct) =>
        {
            var from = time.GetUtcNow() - ParseSince(since ?? "24h");
            var rows = await meter.QueryAsync(string.IsNullOrEmpty(key) ? null : key, string.IsNullOrEmpty(model) ? null : model, from, ct);
            return new
            {
                since = from,
                totals = new { requests = rows.Sum(r => r.Requests), errors = rows.Sum(r => r.Errors), violations = rows.Sum(r => r.Violations) },
                buckets = rows.Select(r => new { bucket = r.Bucket, key = r.KeyId, model = r.Model, purpose = r.Purpose, requests = r.Requests, errors = r.Errors, violations = r.Violations }),
            };
        }).WithTags("usage").RequireAuthorization(WardenPolicies.Audit);
        return app;
    }

    /// <summary>Parses <c>90m</c>, <c>24h</c>, <c>7d</c> (or a TimeSpan such as <c>1.00:00:00</c>).</summary>
    internal static TimeSpan ParseSince(string text)
    {
        text = text.Trim();
        TimeSpan span;
        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 100_000)
        {
            span = text[^1] switch
            {
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => throw WardenException.BadRequest("'since' must look like 90m, 24h or 7d"),
            };
        }
        else if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out span))
        {
            throw WardenException.BadRequest("'since' must look like 90m, 24h or 7d");
        }

        return span <= TimeSpan.Zero || span > MaxRange ? throw WardenException.BadRequest("'since' must be between 1 minute and 400 days") : span;
    }
}

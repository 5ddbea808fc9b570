using System.Globalization;
using Microsoft.Extensions.Options;
using Warden.Core.Access;
using Warden.Core.Inference;
using Warden.Core.Policies;
using Warden.Core.Settings;

namespace Warden.Core.RateLimiting;

/// <summary>
/// Applies the global overload gate (503), then the key's own limits and the model's <c>rate-limit</c> settings (per key ×
/// model): token bucket, daily and monthly quotas (UTC calendar windows), concurrency. A refusal is 429 with
/// <c>Retry-After</c> and the IETF draft <c>RateLimit-Limit</c>/<c>RateLimit-Remaining</c>/<c>RateLimit-Reset</c> headers;
/// an admitted request carries the headers of its tightest limit. Keys and models without limits are untouched. The bootstrap
/// admin key is exempt from model limits. Key and model limits live in the <see cref="IRateLimitBackend"/> (shared by all
/// replicas when Redis is configured); the overload gate protects this process, so it always counts locally.
/// </summary>
public sealed class RateLimitInterceptor(
    IRateLimitBackend backend, ModelSettings settings, IOptions<RateLimitOptions> options, TimeProvider time,
    Telemetry.WardenMetrics? metrics = null, IModelCatalog? catalog = null) : InferenceInterceptor, IDisposable
{
    private readonly InMemoryRateLimitBackend _process = new(time);

    /// <summary>Settings kind of per-model limits (a <see cref="KeyLimits"/> document applied to each key separately).</summary>
    public const string Kind = "rate-limit";

    private const string LimitData = "warden.rate_limit.limit";

    public override int Order => -200;

    public override bool AppliesToExplanations => true;

    public override void OnRequest(InferenceContext context)
    {
        try
        {
            Limit(context);
        }
        catch (WardenException ex) when (ex.Data[LimitData] is string limit)
        {
            metrics?.RecordRateLimitRejection(catalog?.Label(context.Model) ?? Registry.ModelRegistry.UnregisteredLabel, limit);
            throw;
        }
    }

    private void Limit(InferenceContext context)
    {
        var global = options.Value.MaxConcurrentInferences;
        if (global > 0)
        {
            var lease = _process.TryEnter("global", global)
                ?? throw Tagged(new WardenException(503, "the server is overloaded; retry shortly") { Headers = new Dictionary<string, string> { ["Retry-After"] = "1" } }, "overload");
            context.RegisterForDispose(lease);
        }

        var key = context.Call.Caller;
        var cost = context.IsExplanation ? options.Value.ExplanationCost : 1;
        RateLimitDecision? tightest = null;
        if (key.Limits is { } own)
        {
            Apply(context, "k:" + key.Id, own, cost, ref tightest);
        }

        if (!(key.Role == WardenRoles.Admin && key.Name == UsagePolicyInterceptor.BootstrapKeyName)
            && settings.Get<KeyLimits>(context.Model, Kind) is { } model)
        {
            Apply(context, "m:" + key.Id + "\n" + context.Model, model, cost, ref tightest);
        }

        if (tightest is not null)
        {
            WriteHeaders(context.ResponseHeaders, tightest);
        }
    }

    private void Apply(InferenceContext context, string name, KeyLimits limits, int cost, ref RateLimitDecision? tightest)
    {
        if (limits.MaxConcurrency is { } concurrency)
        {
            var lease = backend.TryEnter(name, concurrency)
                ?? throw Refuse(new RateLimitDecision(false, concurrency, 0, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), $"more than {concurrency} concurrent requests", "concurrency");
            context.RegisterForDispose(lease);
        }

        if (limits.RateLimit is { } rate)
        {
            var burst = limits.Burst ?? Math.Max(1, (int)Math.Ceiling(rate));
            Check(backend.TryTake(name + "\nrate", rate, burst, Math.Min(cost, burst)), "rate limit exceeded", "rate", ref tightest);
        }

        var now = time.GetUtcNow().ToUniversalTime();
        if (limits.DailyQuota is { } daily)
        {
            var start = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero);
            Check(backend.TryCount(name + "\nday", daily, start, start.AddDays(1), Math.Min(cost, daily)), "daily quota exhausted", "daily_quota", ref tightest);
        }

        if (limits.MonthlyQuota is { } monthly)
        {
            var start = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
            Check(backend.TryCount(name + "\nmonth", monthly, start, start.AddMonths(1), Math.Min(cost, monthly)), "monthly quota exhausted", "monthly_quota", ref tightest);
        }
    }

    private static void Check(RateLimitDecision decision, string reason, string limit, ref RateLimitDecision? tightest)
    {
        if (!decision.Allowed)
        {
            throw Refuse(decision, reason, limit);
        }

        if (tightest is null || decision.Remaining < tightest.Remaining)
        {
            tightest = decision;
        }
    }

    private static WardenException Refuse(RateLimitDecision decision, string reason, string limit)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Retry-After"] = Seconds(decision.RetryAfter),
        };
        WriteHeaders(headers, decision);
        return Tagged(new WardenException(429, $"{reason}; retry after {headers["Retry-After"]} s") { Headers = headers }, limit);
    }

    // The refusal carries which limit refused, so that OnRequest counts it once with its kind.
    private static WardenException Tagged(WardenException refusal, string limit)
    {
        refusal.Data[LimitData] = limit;
        return refusal;
    }

    private static void WriteHeaders(Dictionary<string, string> headers, RateLimitDecision decision)
    {
        headers["RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = Math.Max(0, decision.Remaining).ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Reset"] = Seconds(decision.Reset);
    }

    public void Dispose() => _process.Dispose();

    // Whole seconds, rounded up, at least 1 (RFC 9110 §10.2.3 delay-seconds).
    private static string Seconds(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}

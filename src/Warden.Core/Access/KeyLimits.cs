namespace Warden.Core.Access;

/// <summary>
/// Rate limits and quotas of one API key (every field optional; null means that limit is off). The request rate is a
/// token bucket (<see cref="RateLimit"/> tokens per second, at most <see cref="Burst"/> saved up); quotas are fixed UTC
/// calendar windows (day, month).
/// </summary>
public sealed record KeyLimits
{
    /// <summary>Sustained requests per second.</summary>
    public double? RateLimit { get; init; }

    /// <summary>Bucket size: requests that may arrive at once after a quiet period (default: max(1, ⌈RateLimit⌉)).</summary>
    public int? Burst { get; init; }

    /// <summary>Requests per UTC day.</summary>
    public long? DailyQuota { get; init; }

    /// <summary>Requests per UTC calendar month.</summary>
    public long? MonthlyQuota { get; init; }

    /// <summary>Requests of the key in flight at once.</summary>
    public int? MaxConcurrency { get; init; }

    /// <summary>True when no limit is set.</summary>
    public bool IsEmpty => RateLimit is null && DailyQuota is null && MonthlyQuota is null && MaxConcurrency is null;

    /// <summary>Every problem with the values (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (RateLimit is { } rate && !(rate > 0 && rate <= 1_000_000))
        {
            problems.Add("'rateLimit' must be between 0 (exclusive) and 1000000 requests per second");
        }

        if (Burst is { } burst && burst is < 1 or > 1_000_000)
        {
            problems.Add("'burst' must be between 1 and 1000000");
        }

        if (Burst is not null && RateLimit is null)
        {
            problems.Add("'burst' needs 'rateLimit'");
        }

        if (DailyQuota is < 1 || MonthlyQuota is < 1)
        {
            problems.Add("quotas must be at least 1");
        }

        if (MaxConcurrency is { } concurrency && concurrency is < 1 or > 100_000)
        {
            problems.Add("'maxConcurrency' must be between 1 and 100000");
        }

        return problems;
    }
}

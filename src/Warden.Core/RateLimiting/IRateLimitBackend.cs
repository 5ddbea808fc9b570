namespace Warden.Core.RateLimiting;

/// <summary>
/// Where limit state lives. The in-memory backend serves one node; a shared store (Redis) can implement the same three
/// operations for a cluster.
/// </summary>
public interface IRateLimitBackend
{
    /// <summary>
    /// Takes <paramref name="cost"/> tokens (all or none) from the bucket <paramref name="name"/> (refilled at
    /// <paramref name="ratePerSecond"/>, holding at most <paramref name="burst"/>; callers keep cost ≤ burst).
    /// </summary>
    RateLimitDecision TryTake(string name, double ratePerSecond, int burst, int cost = 1);

    /// <summary>
    /// Counts <paramref name="cost"/> requests (all or none) in the fixed window <paramref name="name"/>
    /// [<paramref name="windowStart"/>, <paramref name="windowEnd"/>) holding at most <paramref name="limit"/>.
    /// </summary>
    RateLimitDecision TryCount(string name, long limit, DateTimeOffset windowStart, DateTimeOffset windowEnd, long cost = 1);

    /// <summary>Enters the gate <paramref name="name"/> admitting <paramref name="limit"/> at once; null when full. Dispose to leave.</summary>
    IDisposable? TryEnter(string name, int limit);
}

namespace Warden.Core.RateLimiting;

/// <summary>
/// Where limit state lives. The in-memory backend serves one node; a shared store (Redis) can implement the same three
/// operations for a cluster.
/// </summary>
public interface IRateLimitBackend
{
    /// <summary>Takes one token from the bucket <paramref name="name"/> (refilled at <paramref name="ratePerSecond"/>, holding at most <paramref name="burst"/>).</summary>
    RateLimitDecision TryTake(string name, double ratePerSecond, int burst);

    /// <summary>Counts one request in the fixed window <paramref name="name"/> [<paramref name="windowStart"/>, <paramref name="windowEnd"/>) holding at most <paramref name="limit"/>.</summary>
    RateLimitDecision TryCount(string name, long limit, DateTimeOffset windowStart, DateTimeOffset windowEnd);

    /// <summary>Enters the gate <paramref name="name"/> admitting <paramref name="limit"/> at once; null when full. Dispose to leave.</summary>
    IDisposable? TryEnter(string name, int limit);
}

namespace Warden.Core.RateLimiting;

/// <summary>The answer of one limit: allowed or not, and the state to report in <c>RateLimit-*</c> headers.</summary>
/// <param name="Allowed">True when the request may proceed.</param>
/// <param name="Limit">The limit's size (bucket size or quota).</param>
/// <param name="Remaining">Requests left now.</param>
/// <param name="Reset">Time until the limit is fully restored (bucket full, or window end).</param>
/// <param name="RetryAfter">When refused: time until a retry can succeed.</param>
public sealed record RateLimitDecision(bool Allowed, long Limit, long Remaining, TimeSpan Reset, TimeSpan RetryAfter);

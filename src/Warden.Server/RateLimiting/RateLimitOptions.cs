namespace Warden.Server.RateLimiting;

/// <summary>Server-wide limits (<c>Warden:RateLimits</c>).</summary>
public sealed class RateLimitOptions
{
    /// <summary>Inferences in flight across all keys before new ones are shed with 503; 0 turns shedding off.</summary>
    public int MaxConcurrentInferences { get; set; }
}

namespace Warden.Core.RateLimiting;

/// <summary>Server-wide limits (<c>Warden:RateLimits</c>).</summary>
public sealed class RateLimitOptions
{
    /// <summary>Inferences in flight across all keys before new ones are shed with 503; 0 turns shedding off.</summary>
    public int MaxConcurrentInferences { get; set; }

    /// <summary>
    /// Tokens (and quota units) one explanation takes from the key's and the model's rate limits; an inference takes one.
    /// An explanation runs the model thousands of times, so it is charged more. A limit smaller than the cost is charged
    /// in full: one explanation per refill or window. Default 10.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int ExplanationCost { get; set; } = 10;
}

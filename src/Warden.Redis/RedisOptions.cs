using System.ComponentModel.DataAnnotations;

namespace Warden.Redis;

/// <summary>Shared state in Redis (<c>Warden:Redis</c>); on only when <c>ConnectionStrings:Redis</c> is set.</summary>
public sealed class RedisOptions
{
    /// <summary>Fail mode value: limited requests pass while Redis is unreachable.</summary>
    public const string FailOpen = "open";

    /// <summary>Fail mode value: limited requests are refused with 503 while Redis is unreachable.</summary>
    public const string FailClosed = "closed";

    /// <summary>A StackExchange.Redis configuration string (from <c>ConnectionStrings:Redis</c>); null or empty keeps every limit, cache and job in-process.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// What a request under a rate limit, quota or concurrency cap gets while Redis is unreachable: <c>open</c> (the
    /// default: it passes unlimited) or <c>closed</c> (503). Requests of keys and models without limits never consult Redis.
    /// </summary>
    [RegularExpression("^(open|closed)$", ErrorMessage = "Warden:Redis:OnFailure must be 'open' or 'closed'")]
    public string OnFailure { get; set; } = FailOpen;

    /// <summary>Prefix of every Redis key and channel Warden uses (several deployments can share one Redis). Default <c>warden:</c>.</summary>
    [Required]
    public string KeyPrefix { get; set; } = "warden:";

    /// <summary>
    /// How long a concurrency slot survives without being released, in seconds (default 300): a replica killed mid-request
    /// cannot leak its slots for longer.
    /// </summary>
    [Range(1, 86_400)]
    public int ConcurrencySlotSeconds { get; set; } = 300;

    /// <summary>Lifetime of a singleton job's lease, in seconds (default 30); the holder renews it every third of that, so a crashed holder's job moves to another replica within this time.</summary>
    [Range(3, 3600)]
    public int JobLeaseSeconds { get; set; } = 30;

    /// <summary>
    /// How often each replica checks the shared change counter, in seconds (default 2): a change whose pub/sub announcement
    /// was lost (Redis restarted, a subscription not yet back) reaches this replica within this time.
    /// </summary>
    [Range(1, 3600)]
    public int ReconcileSeconds { get; set; } = 2;

    /// <summary>True when a connection string is set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString);
}

namespace Warden.Contracts.Admin;

/// <summary>Body of a key-creation call.</summary>
public sealed class CreateKeyRequest
{
    /// <summary>Human-readable name (who or what uses the key).</summary>
    public string Name { get; set; } = "";

    /// <summary><c>admin</c>, <c>deployer</c>, <c>reviewer</c>, <c>auditor</c> or <c>consumer</c>.</summary>
    public string Role { get; set; } = "";

    /// <summary>Models a consumer key may use; empty means none for consumers and all for other roles.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>Optional expiry.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>
    /// Purposes the key may declare: <c>purpose</c> (any model) or <c>model:purpose</c>. Omitted or empty: any intended use
    /// listed on the model's card.
    /// </summary>
    public List<string>? Purposes { get; set; }

    /// <summary>Purpose assumed for requests that declare none.</summary>
    public string? DefaultPurpose { get; set; }

    /// <summary>Sustained requests per second (token bucket); omitted: unlimited.</summary>
    public double? RateLimit { get; set; }

    /// <summary>Token bucket size (default max(1, ⌈rateLimit⌉)).</summary>
    public int? Burst { get; set; }

    /// <summary>Requests per UTC day.</summary>
    public long? DailyQuota { get; set; }

    /// <summary>Requests per UTC calendar month.</summary>
    public long? MonthlyQuota { get; set; }

    /// <summary>Requests in flight at once.</summary>
    public int? MaxConcurrency { get; set; }
}

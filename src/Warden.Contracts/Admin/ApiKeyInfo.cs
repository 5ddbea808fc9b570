namespace Warden.Contracts.Admin;

/// <summary>An API key as listed (never the secret).</summary>
public sealed class ApiKeyInfo
{
    /// <summary>Public key id.</summary>
    public string Id { get; set; } = "";

    /// <summary>Name given at creation.</summary>
    public string Name { get; set; } = "";

    /// <summary>Role.</summary>
    public string Role { get; set; } = "";

    /// <summary>Models a consumer key is scoped to.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Expiry, if any.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Revocation time, if revoked or suspended.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>When the abuse monitor suspended the key, if it is suspended (an admin can reinstate it); null otherwise.</summary>
    public DateTimeOffset? SuspendedAt { get; set; }

    /// <summary>Purposes granted: <c>purpose</c> (any model) or <c>model:purpose</c>; empty means the cards' intended uses.</summary>
    public List<string> Purposes { get; set; } = [];

    /// <summary>Purpose assumed for requests that declare none.</summary>
    public string? DefaultPurpose { get; set; }

    /// <summary>Sustained requests per second (token bucket), if limited.</summary>
    public double? RateLimit { get; set; }

    /// <summary>Token bucket size, if limited.</summary>
    public int? Burst { get; set; }

    /// <summary>Requests per UTC day, if limited.</summary>
    public long? DailyQuota { get; set; }

    /// <summary>Requests per UTC calendar month, if limited.</summary>
    public long? MonthlyQuota { get; set; }

    /// <summary>Requests in flight at once, if limited.</summary>
    public int? MaxConcurrency { get; set; }
}

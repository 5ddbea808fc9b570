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

    /// <summary>Revocation time, if revoked.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}

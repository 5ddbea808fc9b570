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
}

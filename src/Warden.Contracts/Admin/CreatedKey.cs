namespace Warden.Contracts.Admin;

/// <summary>A newly created key: the only time the secret is shown.</summary>
public sealed class CreatedKey
{
    /// <summary>The key's listing data.</summary>
    public ApiKeyInfo Info { get; set; } = new();

    /// <summary>The secret to present as <c>Authorization: Bearer</c> or <c>X-API-Key</c>.</summary>
    public string Secret { get; set; } = "";
}

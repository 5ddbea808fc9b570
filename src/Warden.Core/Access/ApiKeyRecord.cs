namespace Warden.Core.Access;

/// <summary>A stored API key: only the SHA-256 of the secret is kept.</summary>
public sealed record ApiKeyRecord(
    string Id,
    string Name,
    string Role,
    IReadOnlyList<string> Models,
    string SecretHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt)
{
    /// <summary>True when the key may be used at <paramref name="now"/>.</summary>
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    /// <summary>True when this key may see and use <paramref name="model"/>: every role but consumer sees all models;
    /// a consumer sees only the models it is scoped to (<c>*</c> for all).</summary>
    public bool CanUseModel(string model) =>
        Role != WardenRoles.Consumer || Models.Contains(model, StringComparer.Ordinal) || Models.Contains("*", StringComparer.Ordinal);
}

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

    /// <summary>
    /// Purposes granted to the key: <c>purpose</c> (any model) or <c>model:purpose</c>. Empty means the key may declare any
    /// intended use of the model's card, which keeps keys created before purposes existed working.
    /// </summary>
    public IReadOnlyList<string> Purposes { get; init; } = [];

    /// <summary>Purpose assumed when a request declares none (null: none, unless exactly one purpose is granted for the model).</summary>
    public string? DefaultPurpose { get; init; }

    /// <summary>Rate limits and quotas of the key; null means unlimited.</summary>
    public KeyLimits? Limits { get; init; }

    /// <summary>
    /// When the abuse monitor suspended the key (then <see cref="RevokedAt"/> is the same time); null when not suspended.
    /// A suspended key can be reinstated by an admin, a revoked one cannot.
    /// </summary>
    public DateTimeOffset? SuspendedAt { get; init; }

    /// <summary>The purposes explicitly granted for <paramref name="model"/>, or null when none are (card intended uses apply).</summary>
    public IReadOnlyList<string>? PurposesFor(string model)
    {
        if (Purposes.Count == 0)
        {
            return null;
        }

        var result = new List<string>();
        foreach (var entry in Purposes)
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                result.Add(entry);
            }
            else if (entry.AsSpan(0, colon).SequenceEqual(model) || entry.AsSpan(0, colon).SequenceEqual("*"))
            {
                result.Add(entry[(colon + 1)..]);
            }
        }

        return result;
    }
}

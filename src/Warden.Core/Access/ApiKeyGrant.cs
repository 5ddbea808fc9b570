namespace Warden.Core.Access;

/// <summary>What a new key may be used for beyond its role and models: purposes, a default purpose, limits.</summary>
/// <param name="Purposes"><c>purpose</c> or <c>model:purpose</c> entries; empty grants the cards' intended uses.</param>
/// <param name="DefaultPurpose">Purpose assumed for requests that declare none.</param>
/// <param name="Limits">Rate limits and quotas; null for none.</param>
public sealed record ApiKeyGrant(IReadOnlyList<string> Purposes, string? DefaultPurpose, KeyLimits? Limits)
{
    /// <summary>No purposes, no default, no limits.</summary>
    public static readonly ApiKeyGrant None = new([], null, null);
}

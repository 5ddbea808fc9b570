namespace Warden.Core.Policies;

/// <summary>
/// The <c>usage-policy</c> settings document of a model. Its presence turns purpose enforcement on: a declared purpose must
/// be granted to the key (explicitly, or as an intended use on the card) and must not be an out-of-scope use.
/// </summary>
public sealed class UsagePolicy
{
    /// <summary>Settings kind name.</summary>
    public const string Kind = "usage-policy";

    /// <summary>Refuse requests that declare no purpose (and whose key has no default purpose).</summary>
    public bool RequirePurpose { get; set; }
}

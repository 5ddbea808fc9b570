namespace Warden.Core.Privacy;

/// <summary>What happens to one feature's value before it is stored.</summary>
public enum RedactionAction
{
    /// <summary>Store the value as received.</summary>
    Keep,

    /// <summary>Do not store the feature at all.</summary>
    Drop,

    /// <summary>Store a keyed, truncated HMAC-SHA256 of the value (<c>hmac:…</c>): joinable, not reversible without the key.</summary>
    Hash,
}

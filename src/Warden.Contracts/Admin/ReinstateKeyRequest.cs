namespace Warden.Contracts.Admin;

/// <summary>Body of a reinstate call.</summary>
public sealed class ReinstateKeyRequest
{
    /// <summary>Why the key may work again, recorded in the audit chain (for example the outcome of the investigation).</summary>
    public string? Reason { get; set; }
}

namespace Warden.Contracts.Admin;

/// <summary>Body of a promote call.</summary>
public sealed class StageChangeRequest
{
    /// <summary>Target stage: <c>staging</c>, <c>production</c> or <c>archived</c>. Defaults to production.</summary>
    public string? Stage { get; set; }

    /// <summary>Reason recorded in the audit chain (required to override a failing gate, when gates exist).</summary>
    public string? Reason { get; set; }

    /// <summary>Admin override of failing promotion gates; needs <see cref="Reason"/>, recorded in the audit chain.</summary>
    public bool Force { get; set; }
}

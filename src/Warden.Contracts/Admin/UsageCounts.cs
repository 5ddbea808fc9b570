namespace Warden.Contracts.Admin;

/// <summary>Request, error and policy-violation counts.</summary>
public sealed class UsageCounts
{
    /// <summary>Requests answered.</summary>
    public long Requests { get; set; }

    /// <summary>Requests that failed.</summary>
    public long Errors { get; set; }

    /// <summary>Requests refused by a policy.</summary>
    public long Violations { get; set; }
}

namespace Warden.Contracts.Admin;

/// <summary>Usage counts since a time (<c>GET /api/usage</c>): totals and hourly buckets per key, model and purpose.</summary>
public sealed class UsageReport
{
    /// <summary>Start of the counted period.</summary>
    public DateTimeOffset Since { get; set; }

    /// <summary>Sums over every bucket.</summary>
    public UsageCounts Totals { get; set; } = new();

    /// <summary>Hourly buckets, one per hour, key, model and purpose.</summary>
    public List<UsageBucket> Buckets { get; set; } = [];
}

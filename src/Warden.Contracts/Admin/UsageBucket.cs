namespace Warden.Contracts.Admin;

/// <summary>The counts of one hour for one key, model and purpose.</summary>
public sealed class UsageBucket
{
    /// <summary>Start of the hour.</summary>
    public DateTimeOffset Bucket { get; set; }

    /// <summary>Key id.</summary>
    public string? Key { get; set; }

    /// <summary>Model name.</summary>
    public string? Model { get; set; }

    /// <summary>Declared purpose.</summary>
    public string? Purpose { get; set; }

    /// <summary>Requests answered.</summary>
    public long Requests { get; set; }

    /// <summary>Requests that failed.</summary>
    public long Errors { get; set; }

    /// <summary>Requests refused by a policy.</summary>
    public long Violations { get; set; }
}

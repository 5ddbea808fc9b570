namespace Warden.Core.Retraining;

/// <summary>States of a <see cref="RetrainJob"/>: queued → running → succeeded | failed | cancelled.</summary>
public static class RetrainJobStatus
{
    /// <summary>Waiting for the worker.</summary>
    public const string Queued = "queued";

    /// <summary>Training now.</summary>
    public const string Running = "running";

    /// <summary>Finished with a new staging version.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Stopped by an error (or by a server restart while running).</summary>
    public const string Failed = "failed";

    /// <summary>Cancelled before it finished; no version was registered.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>True for queued and running jobs.</summary>
    public static bool IsActive(string status) => status is Queued or Running;
}

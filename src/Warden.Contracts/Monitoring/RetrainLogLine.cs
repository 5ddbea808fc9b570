namespace Warden.Contracts.Monitoring;

/// <summary>One line of a retraining job's log.</summary>
public sealed class RetrainLogLine
{
    /// <summary>When it was written.</summary>
    public DateTimeOffset Time { get; set; }

    /// <summary>The text.</summary>
    public string? Message { get; set; }
}

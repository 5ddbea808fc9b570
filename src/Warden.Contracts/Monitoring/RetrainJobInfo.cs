namespace Warden.Contracts.Monitoring;

/// <summary>One retraining job as the server stores it.</summary>
public sealed class RetrainJobInfo
{
    /// <summary>Job id.</summary>
    public long Id { get; set; }

    /// <summary>Model retrained.</summary>
    public string Model { get; set; } = "";

    /// <summary>Version whose training data and card the job starts from.</summary>
    public string? BaseVersion { get; set; }

    /// <summary>Why it ran: <c>manual</c>, <c>schedule</c>, <c>drift</c> or <c>labels</c>.</summary>
    public string Trigger { get; set; } = "";

    /// <summary>Who queued it (<c>system</c> for automatic triggers).</summary>
    public string Actor { get; set; } = "";

    /// <summary><c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    public string Status { get; set; } = "";

    /// <summary>Share done, 0 to 1.</summary>
    public double Progress { get; set; }

    /// <summary>What it is doing now.</summary>
    public string Phase { get; set; } = "";

    /// <summary>When it was queued.</summary>
    public DateTimeOffset Created { get; set; }

    /// <summary>When it started running.</summary>
    public DateTimeOffset? Started { get; set; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? Finished { get; set; }

    /// <summary>The staging version it registered.</summary>
    public string? ResultVersion { get; set; }

    /// <summary>Why it failed or was cancelled.</summary>
    public string? Error { get; set; }

    /// <summary>Path of the training CSV.</summary>
    public string TrainingData { get; set; } = "";

    /// <summary>Labelled feedback rows added to the training data.</summary>
    public int FeedbackRows { get; set; }

    /// <summary>Feedback weight asked for by a manual request; null takes the retrain policy's.</summary>
    public double? FeedbackWeight { get; set; }
}

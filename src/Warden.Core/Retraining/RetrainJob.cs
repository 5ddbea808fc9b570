namespace Warden.Core.Retraining;

/// <summary>One retraining job as stored.</summary>
/// <param name="Id">Job id.</param>
/// <param name="Model">Model retrained.</param>
/// <param name="BaseVersion">Version whose training data and card the job starts from (the production version when it was queued).</param>
/// <param name="Trigger">Why it ran: <c>manual</c>, <c>schedule</c>, <c>drift</c> or <c>labels</c>.</param>
/// <param name="Actor">Who queued it (<c>system</c> for automatic triggers).</param>
/// <param name="Status">One of <see cref="RetrainJobStatus"/>.</param>
/// <param name="Progress">Share done, 0 to 1.</param>
/// <param name="Phase">What it is doing now.</param>
/// <param name="Created">When it was queued.</param>
/// <param name="Started">When it started running.</param>
/// <param name="Finished">When it ended.</param>
/// <param name="ResultVersion">The staging version it registered.</param>
/// <param name="Error">Why it failed or was cancelled.</param>
/// <param name="TrainingData">Path of the training CSV.</param>
/// <param name="FeedbackRows">Labelled feedback rows added to the training data.</param>
/// <param name="FeedbackWeight">Feedback weight asked for by a manual request; null takes the <c>retrain-policy</c>'s (default 1).</param>
public sealed record RetrainJob(
    long Id, string Model, string? BaseVersion, string Trigger, string Actor, string Status, double Progress, string Phase,
    DateTimeOffset Created, DateTimeOffset? Started, DateTimeOffset? Finished, string? ResultVersion, string? Error,
    string TrainingData, int FeedbackRows, double? FeedbackWeight = null);

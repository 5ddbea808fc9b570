namespace Warden.Core.Retraining;

/// <summary>One persisted log line of a retraining job.</summary>
/// <param name="JobId">Job id.</param>
/// <param name="Time">When it was written.</param>
/// <param name="Message">Text.</param>
public sealed record RetrainLogLine(long JobId, DateTimeOffset Time, string Message);

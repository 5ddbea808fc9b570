namespace Warden.Contracts.Monitoring;

/// <summary>A retraining job with its log lines (<c>GET /api/retraining/jobs/{id}</c>).</summary>
public sealed class RetrainJobDetail
{
    /// <summary>The job.</summary>
    public RetrainJobInfo Job { get; set; } = new();

    /// <summary>Its log, oldest first.</summary>
    public List<RetrainLogLine> Logs { get; set; } = [];
}

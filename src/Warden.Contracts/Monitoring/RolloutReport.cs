namespace Warden.Contracts.Monitoring;

/// <summary>Champion versus challenger over logged traffic (<c>GET /api/models/{model}/rollout/report</c>).</summary>
public sealed class RolloutReport
{
    /// <summary><c>shadow</c> or <c>canary</c>.</summary>
    public string Mode { get; set; } = "";

    /// <summary>Production version.</summary>
    public string Champion { get; set; } = "";

    /// <summary>Version under comparison.</summary>
    public string Challenger { get; set; } = "";

    /// <summary>Champion answers considered (for shadow: those with a shadow answer).</summary>
    public int ChampionRequests { get; set; }

    /// <summary>Challenger answers considered.</summary>
    public int ChallengerRequests { get; set; }

    /// <summary>Shadow only: share of paired requests where both versions gave the same label.</summary>
    public double? Agreement { get; set; }

    /// <summary>Shadow only: mean |score difference| over paired requests.</summary>
    public double? MeanAbsScoreDifference { get; set; }

    /// <summary>Median latency of the champion, ms (nearest rank).</summary>
    public double? ChampionP50Ms { get; set; }

    /// <summary>99th-percentile latency of the champion, ms.</summary>
    public double? ChampionP99Ms { get; set; }

    /// <summary>Median latency of the challenger, ms.</summary>
    public double? ChallengerP50Ms { get; set; }

    /// <summary>99th-percentile latency of the challenger, ms.</summary>
    public double? ChallengerP99Ms { get; set; }

    /// <summary>Canary only: share of accepted canary requests that failed under the current plan (since start).</summary>
    public double? ChallengerErrorRate { get; set; }

    /// <summary>Labelled champion answers.</summary>
    public int ChampionLabelled { get; set; }

    /// <summary>Labelled challenger answers.</summary>
    public int ChallengerLabelled { get; set; }

    /// <summary>Metric name → values on labelled traffic.</summary>
    public Dictionary<string, MetricComparison> Metrics { get; set; } = [];
}

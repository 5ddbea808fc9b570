namespace Warden.Core.Monitoring;

/// <summary>A canary: a share of production traffic routed to a candidate version, rolled back automatically on breach during the bake.</summary>
public sealed class CanaryPlan
{
    /// <summary>Candidate version.</summary>
    public string Version { get; set; } = "";

    /// <summary>Percentage of requests that name no version routed to the candidate (0–100).</summary>
    public double Percent { get; set; }

    /// <summary>Route by API key (the same caller always sees the same version) instead of by request id.</summary>
    public bool Sticky { get; set; }

    /// <summary>Largest tolerated share of failed canary requests; null = not checked.</summary>
    public double? MaxErrorRate { get; set; }

    /// <summary>Largest tolerated 99th-percentile latency of canary requests, milliseconds; null = not checked.</summary>
    public double? MaxP99Ms { get; set; }

    /// <summary>Minutes after the plan was set during which breaches roll the canary back.</summary>
    public double BakeMinutes { get; set; } = 30;

    /// <summary>Fewest canary requests before the bounds are judged.</summary>
    public int MinRequests { get; set; } = 20;
}

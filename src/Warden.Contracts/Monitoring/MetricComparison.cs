namespace Warden.Contracts.Monitoring;

/// <summary>One quality metric of champion and challenger (null when undefined).</summary>
public sealed class MetricComparison
{
    /// <summary>Champion value.</summary>
    public double? Champion { get; set; }

    /// <summary>Challenger value.</summary>
    public double? Challenger { get; set; }
}

using System.ComponentModel.DataAnnotations;

namespace Warden.Core.Monitoring;

/// <summary>Settings of background monitoring (<c>Warden:Monitoring</c>).</summary>
public sealed class MonitoringOptions
{
    /// <summary>Seconds between scheduler ticks; each monitor decides on its own interval whether work is due.</summary>
    [Range(1, 86_400)]
    public int TickSeconds { get; set; } = 60;

    /// <summary>Model repository folders searched for a version's <c>background.csv</c> when it has no stored reference.</summary>
    public List<string> RepositoryPaths { get; set; } = [];
}

using System.Text.Json.Serialization;

namespace Warden.Contracts.Triton;

/// <summary>A count and a cumulative duration (Triton's <c>$duration_stat</c>).</summary>
public sealed class StatisticDurationDto
{
    /// <summary>Times the statistic was collected.</summary>
    [JsonPropertyName("count")] public long Count { get; set; }

    /// <summary>Total duration in nanoseconds.</summary>
    [JsonPropertyName("ns")] public long Ns { get; set; }
}

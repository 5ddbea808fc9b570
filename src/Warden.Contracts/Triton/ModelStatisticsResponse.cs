using System.Text.Json.Serialization;

namespace Warden.Contracts.Triton;

/// <summary>Answer of <c>GET /v2/models[/{m}[/versions/{v}]]/stats</c> (Triton's statistics extension).</summary>
public sealed class ModelStatisticsResponse
{
    /// <summary>One entry per model version.</summary>
    [JsonPropertyName("model_stats")] public List<ModelStatisticsEntry> ModelStats { get; set; } = [];
}

using System.Text.Json.Serialization;

namespace Warden.Contracts.Triton;

/// <summary>Statistics of one model version (Triton's <c>$model_stat</c>).</summary>
public sealed class ModelStatisticsEntry
{
    /// <summary>Model name.</summary>
    [JsonPropertyName("name")] public string Name { get; set; } = "";

    /// <summary>Version label.</summary>
    [JsonPropertyName("version")] public string Version { get; set; } = "";

    /// <summary>Time of the last request, Unix milliseconds (0 when none).</summary>
    [JsonPropertyName("last_inference")] public long LastInference { get; set; }

    /// <summary>Successful inferences, each request counted by its batch size.</summary>
    [JsonPropertyName("inference_count")] public long InferenceCount { get; set; }

    /// <summary>Model executions (fewer than requests when dynamic batching joins them).</summary>
    [JsonPropertyName("execution_count")] public long ExecutionCount { get; set; }

    /// <summary>Aggregate request statistics.</summary>
    [JsonPropertyName("inference_stats")] public InferStatistics InferenceStats { get; set; } = new();

    /// <summary>Per batch size executed.</summary>
    [JsonPropertyName("batch_stats")] public List<InferBatchStatistics> BatchStats { get; set; } = [];
}

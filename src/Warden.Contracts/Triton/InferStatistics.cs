using System.Text.Json.Serialization;

namespace Warden.Contracts.Triton;

/// <summary>Aggregate request statistics of a model version (Triton's <c>$inference_stats</c>).</summary>
public sealed class InferStatistics
{
    /// <summary>Successful requests.</summary>
    [JsonPropertyName("success")] public StatisticDurationDto Success { get; set; } = new();

    /// <summary>Failed requests.</summary>
    [JsonPropertyName("fail")] public StatisticDurationDto Fail { get; set; } = new();

    /// <summary>Time waiting in the batching queue.</summary>
    [JsonPropertyName("queue")] public StatisticDurationDto Queue { get; set; } = new();

    /// <summary>Preparing input tensors.</summary>
    [JsonPropertyName("compute_input")] public StatisticDurationDto ComputeInput { get; set; } = new();

    /// <summary>Running the model.</summary>
    [JsonPropertyName("compute_infer")] public StatisticDurationDto ComputeInfer { get; set; } = new();

    /// <summary>Extracting output tensors.</summary>
    [JsonPropertyName("compute_output")] public StatisticDurationDto ComputeOutput { get; set; } = new();

    /// <summary>Response cache hits (Warden has no response cache: always zero).</summary>
    [JsonPropertyName("cache_hit")] public StatisticDurationDto CacheHit { get; set; } = new();
}

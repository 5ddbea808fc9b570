using System.Text.Json.Serialization;

namespace Warden.Contracts.Triton;

/// <summary>Executions of one batch size (Triton's <c>$batch_stats</c>).</summary>
public sealed class InferBatchStatistics
{
    /// <summary>Rows per execution.</summary>
    [JsonPropertyName("batch_size")] public long BatchSize { get; set; }

    /// <summary>Preparing input tensors at this size.</summary>
    [JsonPropertyName("compute_input")] public StatisticDurationDto ComputeInput { get; set; } = new();

    /// <summary>Running the model at this size.</summary>
    [JsonPropertyName("compute_infer")] public StatisticDurationDto ComputeInfer { get; set; } = new();

    /// <summary>Extracting outputs at this size.</summary>
    [JsonPropertyName("compute_output")] public StatisticDurationDto ComputeOutput { get; set; } = new();
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Contracts.V2;

/// <summary>An Open Inference Protocol inference response.</summary>
public sealed class InferenceResponse
{
    /// <summary>Model that answered.</summary>
    [JsonPropertyName("model_name")] public string ModelName { get; set; } = "";

    /// <summary>Version that answered.</summary>
    [JsonPropertyName("model_version")] public string? ModelVersion { get; set; }

    /// <summary>Request id (echoed or generated); feedback references it.</summary>
    [JsonPropertyName("id")] public string Id { get; set; } = "";

    /// <summary>Response parameters (Warden adds these only for opt-in features).</summary>
    [JsonPropertyName("parameters")] public Dictionary<string, JsonElement>? Parameters { get; set; }

    /// <summary>Output tensors.</summary>
    [JsonPropertyName("outputs")] public List<InferenceOutput> Outputs { get; set; } = [];
}

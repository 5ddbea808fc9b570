using System.Text.Json.Serialization;

namespace Warden.Contracts.V2;

/// <summary>Model metadata of the Open Inference Protocol (<c>GET /v2/models/{name}[/versions/{version}]</c>).</summary>
public sealed class ModelMetadata
{
    /// <summary>Model name.</summary>
    [JsonPropertyName("name")] public string Name { get; set; } = "";

    /// <summary>Versions of the model that can be addressed explicitly.</summary>
    [JsonPropertyName("versions")] public List<string> Versions { get; set; } = [];

    /// <summary>Framework/backend, e.g. <c>onnxruntime_onnx</c>.</summary>
    [JsonPropertyName("platform")] public string Platform { get; set; } = "";

    /// <summary>Input tensors the model expects.</summary>
    [JsonPropertyName("inputs")] public List<TensorMetadata> Inputs { get; set; } = [];

    /// <summary>Output tensors the model produces.</summary>
    [JsonPropertyName("outputs")] public List<TensorMetadata> Outputs { get; set; } = [];

    /// <summary>Warden additions: served version, stage, SHA-256 of the model file.</summary>
    [JsonPropertyName("parameters")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Parameters { get; set; }
}

using System.Text.Json.Serialization;

namespace Warden.Contracts.V2;

/// <summary>An Open Inference Protocol inference request as a client builds it.</summary>
public sealed class InferenceRequest
{
    /// <summary>Optional request id; the server generates one when absent and always returns it.</summary>
    [JsonPropertyName("id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; set; }

    /// <summary>Request parameters, e.g. <c>purpose</c> or <c>sensitive.race</c>.</summary>
    [JsonPropertyName("parameters")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, object>? Parameters { get; set; }

    /// <summary>Input tensors.</summary>
    [JsonPropertyName("inputs")] public List<InferenceInput> Inputs { get; set; } = [];

    /// <summary>Outputs to return; all when absent.</summary>
    [JsonPropertyName("outputs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<RequestedOutput>? Outputs { get; set; }
}

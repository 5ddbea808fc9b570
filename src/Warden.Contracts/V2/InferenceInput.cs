using System.Text.Json.Serialization;

namespace Warden.Contracts.V2;

/// <summary>One input tensor of an inference request; <see cref="Data"/> is the row-major flattened content.</summary>
public sealed class InferenceInput
{
    /// <summary>Input name as the model declares it.</summary>
    [JsonPropertyName("name")] public string Name { get; set; } = "";

    /// <summary>Tensor shape.</summary>
    [JsonPropertyName("shape")] public long[] Shape { get; set; } = [];

    /// <summary>Protocol datatype.</summary>
    [JsonPropertyName("datatype")] public string Datatype { get; set; } = "";

    /// <summary>Optional per-input parameters.</summary>
    [JsonPropertyName("parameters")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, object>? Parameters { get; set; }

    /// <summary>Row-major flattened data: numbers, booleans or strings.</summary>
    [JsonPropertyName("data")] public object Data { get; set; } = Array.Empty<float>();

    /// <summary>An FP32 input.</summary>
    public static InferenceInput Fp32(string name, long[] shape, params float[] data) =>
        new() { Name = name, Shape = shape, Datatype = "FP32", Data = data };

    /// <summary>An FP64 input.</summary>
    public static InferenceInput Fp64(string name, long[] shape, params double[] data) =>
        new() { Name = name, Shape = shape, Datatype = "FP64", Data = data };

    /// <summary>An INT64 input.</summary>
    public static InferenceInput Int64(string name, long[] shape, params long[] data) =>
        new() { Name = name, Shape = shape, Datatype = "INT64", Data = data };

    /// <summary>A BYTES (string) input.</summary>
    public static InferenceInput Bytes(string name, long[] shape, params string[] data) =>
        new() { Name = name, Shape = shape, Datatype = "BYTES", Data = data };
}

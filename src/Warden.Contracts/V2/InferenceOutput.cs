using System.Text.Json.Serialization;

namespace Warden.Contracts.V2;

/// <summary>One output tensor of an inference response.</summary>
public sealed class InferenceOutput
{
    /// <summary>Output name.</summary>
    [JsonPropertyName("name")] public string Name { get; set; } = "";

    /// <summary>Tensor shape.</summary>
    [JsonPropertyName("shape")] public long[] Shape { get; set; } = [];

    /// <summary>Protocol datatype.</summary>
    [JsonPropertyName("datatype")] public string Datatype { get; set; } = "";

    /// <summary>Row-major flattened data.</summary>
    [JsonPropertyName("data")] public TensorData Data { get; set; } = TensorData.Empty;

    /// <summary>Reads <see cref="Data"/> as numbers (booleans as 1 and 0).</summary>
    public double[] AsDoubles() => Data.ToDoubleArray();
}

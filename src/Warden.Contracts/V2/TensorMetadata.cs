using System.Text.Json.Serialization;

namespace Warden.Contracts.V2;

/// <summary>Name, datatype and shape of one tensor; <c>-1</c> marks a variable dimension.</summary>
public sealed class TensorMetadata
{
    /// <summary>Tensor name.</summary>
    [JsonPropertyName("name")] public string Name { get; set; } = "";

    /// <summary>Protocol datatype, e.g. <c>FP32</c>, <c>INT64</c>, <c>BYTES</c>.</summary>
    [JsonPropertyName("datatype")] public string Datatype { get; set; } = "";

    /// <summary>Shape; <c>-1</c> for a variable dimension.</summary>
    [JsonPropertyName("shape")] public long[] Shape { get; set; } = [];
}

using System.Text.Json;
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
    [JsonPropertyName("data")] public JsonElement Data { get; set; }

    /// <summary>Reads <see cref="Data"/> as numbers.</summary>
    public double[] AsDoubles()
    {
        var result = new double[Data.GetArrayLength()];
        var i = 0;
        foreach (var item in Data.EnumerateArray())
        {
            result[i++] = item.ValueKind switch
            {
                JsonValueKind.True => 1,
                JsonValueKind.False => 0,
                _ => item.GetDouble(),
            };
        }

        return result;
    }
}

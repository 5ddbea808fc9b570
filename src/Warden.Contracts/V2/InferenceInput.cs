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

    /// <summary>Optional per-input parameters (string, number or boolean values).</summary>
    [JsonPropertyName("parameters")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, object>? Parameters { get; set; }

    /// <summary>Row-major flattened data: numbers, booleans or strings.</summary>
    [JsonPropertyName("data")] public TensorData Data { get; set; } = TensorData.Empty;

    /// <summary>An FP32 input.</summary>
    /// <exception cref="ArgumentException">The shape does not hold exactly the values given.</exception>
    public static InferenceInput Fp32(string name, long[] shape, params float[] data) => Create(name, shape, "FP32", data, data.Length);

    /// <summary>An FP64 input.</summary>
    /// <exception cref="ArgumentException">The shape does not hold exactly the values given.</exception>
    public static InferenceInput Fp64(string name, long[] shape, params double[] data) => Create(name, shape, "FP64", data, data.Length);

    /// <summary>An INT64 input.</summary>
    /// <exception cref="ArgumentException">The shape does not hold exactly the values given.</exception>
    public static InferenceInput Int64(string name, long[] shape, params long[] data) => Create(name, shape, "INT64", data, data.Length);

    /// <summary>An INT32 input.</summary>
    /// <exception cref="ArgumentException">The shape does not hold exactly the values given.</exception>
    public static InferenceInput Int32(string name, long[] shape, params int[] data) => Create(name, shape, "INT32", data, data.Length);

    /// <summary>A BOOL input.</summary>
    /// <exception cref="ArgumentException">The shape does not hold exactly the values given.</exception>
    public static InferenceInput Bool(string name, long[] shape, params bool[] data) => Create(name, shape, "BOOL", data, data.Length);

    /// <summary>A BYTES (string) input.</summary>
    /// <exception cref="ArgumentException">The shape does not hold exactly the values given.</exception>
    public static InferenceInput Bytes(string name, long[] shape, params string[] data) => Create(name, shape, "BYTES", data, data.Length);

    private static InferenceInput Create(string name, long[] shape, string datatype, TensorData data, int count)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        long elements = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"input '{name}': shape [{string.Join(", ", shape)}] has a negative dimension", nameof(shape));
            }

            elements *= dimension;
        }

        if (elements != count)
        {
            throw new ArgumentException($"input '{name}': shape [{string.Join(", ", shape)}] holds {elements} values but {count} were given", nameof(shape));
        }

        return new InferenceInput { Name = name, Shape = shape, Datatype = datatype, Data = data };
    }
}

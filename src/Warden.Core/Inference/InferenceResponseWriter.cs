using System.Text.Json;
using Warden.Core.Tensors;

namespace Warden.Core.Inference;

/// <summary>Writes a V2 inference response straight to a UTF-8 JSON writer, without an intermediate object graph.</summary>
public static class InferenceResponseWriter
{
    /// <summary>Writes the response object.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="model">Model name.</param>
    /// <param name="version">Version that answered.</param>
    /// <param name="id">Request id.</param>
    /// <param name="outputs">Output tensors.</param>
    /// <param name="parameters">Optional response parameters; omitted when null.</param>
    public static void Write(Utf8JsonWriter writer, string model, string version, string id, IReadOnlyList<NamedTensor> outputs, Action<Utf8JsonWriter>? parameters = null)
    {
        writer.WriteStartObject();
        writer.WriteString("model_name", model);
        writer.WriteString("model_version", version);
        writer.WriteString("id", id);
        if (parameters is not null)
        {
            writer.WritePropertyName("parameters");
            writer.WriteStartObject();
            parameters(writer);
            writer.WriteEndObject();
        }

        writer.WriteStartArray("outputs");
        foreach (var output in outputs)
        {
            WriteTensor(writer, output);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes one tensor as <c>{"name","datatype","shape","data"}</c>.</summary>
    public static void WriteTensor(Utf8JsonWriter writer, NamedTensor tensor)
    {
        writer.WriteStartObject();
        writer.WriteString("name", tensor.Name);
        writer.WriteString("datatype", tensor.Datatype.ToWire());
        writer.WriteStartArray("shape");
        foreach (var dim in tensor.Shape)
        {
            writer.WriteNumberValue(dim);
        }

        writer.WriteEndArray();
        writer.WritePropertyName("data");
        WriteData(writer, tensor.Data);
        writer.WriteEndObject();
    }

    /// <summary>Writes the flattened data array of a tensor.</summary>
    public static void WriteData(Utf8JsonWriter writer, Array data)
    {
        writer.WriteStartArray();
        switch (data)
        {
            case float[] a:
                foreach (var v in a)
                {
                    WriteFloat(writer, v);
                }

                break;
            case double[] a:
                foreach (var v in a)
                {
                    WriteDouble(writer, v);
                }

                break;
            case Half[] a:
                foreach (var v in a)
                {
                    WriteFloat(writer, (float)v);
                }

                break;
            case long[] a:
                foreach (var v in a)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case int[] a:
                foreach (var v in a)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case short[] a:
                foreach (var v in a)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case sbyte[] a:
                foreach (var v in a)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case byte[] a:
                foreach (var v in a)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case ushort[] a:
                foreach (var v in a)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case uint[] a:
                foreach (var v in a)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case ulong[] a:
                foreach (var v in a)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case bool[] a:
                foreach (var v in a)
                {
                    writer.WriteBooleanValue(v);
                }

                break;
            case string[] a:
                foreach (var v in a)
                {
                    writer.WriteStringValue(v);
                }

                break;
            default:
                throw new InvalidOperationException($"unsupported tensor storage {data.GetType().Name}");
        }

        writer.WriteEndArray();
    }

    // JSON has no NaN or infinity; a model that produces them gets null in their place rather than an invalid document.
    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

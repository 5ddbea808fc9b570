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
    /// <param name="binary">Outputs sent as binary data after the JSON (binary tensor data extension): these carry
    /// <c>parameters.binary_data_size</c> in place of <c>data</c>.</param>
    public static void Write(Utf8JsonWriter writer, string model, string version, string id, IReadOnlyList<NamedTensor> outputs,
        Action<Utf8JsonWriter>? parameters = null, IReadOnlyDictionary<string, byte[]>? binary = null)
    {
        writer.WriteStartObject();
        writer.WriteString("model_name"u8, model);
        writer.WriteString("model_version"u8, version);
        writer.WriteString("id"u8, id);
        if (parameters is not null)
        {
            writer.WritePropertyName("parameters"u8);
            writer.WriteStartObject();
            parameters(writer);
            writer.WriteEndObject();
        }

        writer.WriteStartArray("outputs"u8);
        for (var i = 0; i < outputs.Count; i++)
        {
            // By index: a foreach over the interface would allocate an enumerator per response.
            var output = outputs[i];
            if (binary is not null && binary.TryGetValue(output.Name, out var bytes))
            {
                WriteBinaryTensor(writer, output, bytes.Length);
            }
            else
            {
                WriteTensor(writer, output);
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes one tensor as <c>{"name","datatype","shape","data"}</c>.</summary>
    public static void WriteTensor(Utf8JsonWriter writer, NamedTensor tensor)
    {
        WriteTensorStart(writer, tensor);
        writer.WritePropertyName("data"u8);
        WriteData(writer, tensor.Datatype, tensor.Data);
        writer.WriteEndObject();
    }

    /// <summary>Opens a tensor object and writes its <c>name</c>, <c>datatype</c> and <c>shape</c>; the caller adds its data and closes it.</summary>
    public static void WriteTensorStart(Utf8JsonWriter writer, NamedTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(tensor);
        writer.WriteStartObject();
        writer.WriteString("name"u8, tensor.Name);
        writer.WriteString("datatype"u8, tensor.Datatype.ToWire());
        writer.WriteStartArray("shape"u8);
        foreach (var dim in tensor.Shape)
        {
            writer.WriteNumberValue(dim);
        }

        writer.WriteEndArray();
    }

    private static void WriteBinaryTensor(Utf8JsonWriter writer, NamedTensor tensor, int size)
    {
        WriteTensorStart(writer, tensor);
        writer.WriteStartObject("parameters"u8);
        writer.WriteNumber("binary_data_size"u8, size);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes the flattened data array of a tensor.</summary>
    /// <remarks>Dispatches on <paramref name="datatype"/>, not on the array's runtime type: the CLR lets byte[] pass as
    /// sbyte[] (and ulong[] as long[]), so a type pattern would print unsigned values as signed.</remarks>
    public static void WriteData(Utf8JsonWriter writer, TensorDatatype datatype, Array data)
    {
        writer.WriteStartArray();
        switch (datatype)
        {
            case TensorDatatype.Fp32:
                foreach (var v in (float[])data)
                {
                    WriteFloat(writer, v);
                }

                break;
            case TensorDatatype.Fp64:
                foreach (var v in (double[])data)
                {
                    WriteDouble(writer, v);
                }

                break;
            case TensorDatatype.Fp16:
                foreach (var v in (Half[])data)
                {
                    WriteFloat(writer, (float)v);
                }

                break;
            case TensorDatatype.Int64:
                foreach (var v in (long[])data)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDatatype.Int32:
                foreach (var v in (int[])data)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDatatype.Int16:
                foreach (var v in (short[])data)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDatatype.Int8:
                foreach (var v in (sbyte[])data)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDatatype.UInt8:
                foreach (var v in (byte[])data)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDatatype.UInt16:
                foreach (var v in (ushort[])data)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDatatype.UInt32:
                foreach (var v in (uint[])data)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDatatype.UInt64:
                foreach (var v in (ulong[])data)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDatatype.Bool:
                foreach (var v in (bool[])data)
                {
                    writer.WriteBooleanValue(v);
                }

                break;
            case TensorDatatype.Bytes:
                foreach (var v in (string[])data)
                {
                    writer.WriteStringValue(v);
                }

                break;
            default:
                throw new InvalidOperationException($"unsupported datatype {datatype}");
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

using System.Buffers;
using System.Text;
using System.Text.Json;
using Warden.Core.Inference;
using Warden.Core.Tensors;

namespace Warden.Core.Predictions;

/// <summary>
/// Turns a <see cref="PredictionRecord"/> into its stored form (tensors as a V2-style JSON array) and the stored form back
/// into V2 JSON.
/// <para>A numeric tensor of at least <see cref="PredictionLogOptions.CompactTensorElements"/> elements is stored compact:
/// <c>{"name","datatype","shape","raw_data"}</c>, where <c>raw_data</c> is the base64 of its elements in the raw layout
/// of <see cref="TensorBytes"/> (little-endian, as the binary tensor extension sends them) in place of the <c>data</c>
/// number array. Formatting 150,528 floats of an image as text took ~15 ms and 1.5 MB a record; base64 of its 602 KB
/// takes well under a millisecond. Readers never see that form: <see cref="ToV2"/>, applied by the store as it reads a
/// row, writes the tensor back exactly as the JSON form would have held it (non-finite values as <c>null</c>, FP16 as
/// its float value), and passes rows without a compact tensor (all rows written before it) through untouched.</para>
/// <para>A list of numeric tensors that are all smaller than that (a tabular row) is stored packed instead: names,
/// datatypes, shapes and raw values in one base64 text (<see cref="PackedTensors"/>), which <see cref="ToV2"/> writes back
/// as the same JSON array.</para>
/// </summary>
public static class PredictionSerializer
{
    /// <summary>The property of a compact stored tensor that holds its base64 raw data.</summary>
    public const string RawDataProperty = "raw_data";

    // Base64 grows 3 bytes into 4; Utf8JsonWriter refuses tokens above about 125 MB of input, so larger tensors stay text.
    private const int MaxCompactBytes = 100_000_000;

    // A compact tensor's property name as it appears in stored text; it cannot appear outside a property name, since a
    // quote inside a JSON string value is escaped.
    private const string RawDataMarker = "\"" + RawDataProperty + "\":";

    /// <summary>Serialises the payloads of <paramref name="record"/>, every tensor as JSON text.</summary>
    public static StoredPrediction ToStored(PredictionRecord record) => ToStored(record, compactElements: 0);

    /// <summary>
    /// Serialises the payloads of <paramref name="record"/> as the log stores them: numeric tensors of at least
    /// <see cref="PredictionLogOptions.CompactTensorElements"/> elements in the compact form.
    /// </summary>
    public static StoredPrediction ToStored(PredictionRecord record, PredictionLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ToStored(record, options.CompactTensorElements);
    }

    private static StoredPrediction ToStored(PredictionRecord record, int compactElements)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(
            0, record.Id, record.Time, record.Model, record.Version, record.KeyId, record.Purpose,
            StoredTensors(record.Inputs, compactElements), StoredTensors(record.Outputs, compactElements),
            record.Sensitive is { Count: > 0 } ? JsonSerializer.Serialize(record.Sensitive, PredictionJson.Default.IReadOnlyDictionaryStringString) : null,
            record.LatencyMs)
        {
            Features = FeatureVector.Encode(record.Inputs, record.Outputs),
        };
    }

    // One buffer and writer per thread, reused: the log writer serialises two arrays per record, and a fresh writer over a
    // MemoryStream grew (and dropped) several buffers for each.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>JSON array of tensors in V2 form.</summary>
    public static string Tensors(IReadOnlyList<NamedTensor> tensors) => StoredTensors(tensors, 0);

    /// <summary>
    /// The stored text of a list of tensors: with <paramref name="compactElements"/> above 0, a non-empty list of numeric
    /// tensors all smaller than that is packed (see <see cref="PackedTensors"/>); otherwise a JSON array of tensors, those
    /// numeric ones of at least <paramref name="compactElements"/> elements compact (0: none).
    /// </summary>
    public static string StoredTensors(IReadOnlyList<NamedTensor> tensors, int compactElements)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (compactElements > 0 && IsPackable(tensors, compactElements))
        {
            return PackedTensors.Pack(tensors);
        }

        return Write(writer =>
        {
            writer.WriteStartArray();
            foreach (var tensor in tensors)
            {
                if (compactElements > 0 && IsCompactable(tensor, compactElements))
                {
                    WriteCompact(writer, tensor);
                }
                else
                {
                    InferenceResponseWriter.WriteTensor(writer, tensor);
                }
            }

            writer.WriteEndArray();
        });
    }

    /// <summary>
    /// The V2 JSON of a stored tensor array: compact tensors written out as <c>data</c> arrays; the same string when it
    /// holds none (anything that is not such an array, too, is returned as it is).
    /// </summary>
    public static string ToV2(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.StartsWith(PackedTensors.Prefix, StringComparison.Ordinal))
        {
            var tensors = PackedTensors.Unpack(stored);
            return Write(writer =>
            {
                writer.WriteStartArray();
                foreach (var tensor in tensors)
                {
                    InferenceResponseWriter.WriteTensor(writer, tensor);
                }

                writer.WriteEndArray();
            });
        }

        if (!stored.Contains(RawDataMarker, StringComparison.Ordinal))
        {
            return stored;
        }

        using var document = JsonDocument.Parse(stored);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            return stored;
        }

        return Write(writer =>
        {
            writer.WriteStartArray();
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(RawDataProperty, out var raw))
                {
                    InferenceResponseWriter.WriteTensor(writer, ReadCompact(element, raw));
                }
                else
                {
                    element.WriteTo(writer);
                }
            }

            writer.WriteEndArray();
        });
    }

    private static bool IsPackable(IReadOnlyList<NamedTensor> tensors, int compactElements)
    {
        if (tensors.Count == 0)
        {
            return false;
        }

        for (var i = 0; i < tensors.Count; i++)
        {
            if (!PackedTensors.CanPack(tensors[i]) || tensors[i].Data.Length >= compactElements)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsCompactable(NamedTensor tensor, int compactElements) =>
        tensor.Datatype is not (TensorDatatype.Bytes or TensorDatatype.Bool)
        && tensor.Data.Length >= compactElements
        && (long)tensor.Data.Length * TensorBytes.ElementSize(tensor.Datatype) <= MaxCompactBytes;

    // Property order as InferenceResponseWriter.WriteTensor, so that ToV2 gives back the same bytes.
    private static void WriteCompact(Utf8JsonWriter writer, NamedTensor tensor)
    {
        InferenceResponseWriter.WriteTensorStart(writer, tensor);
        writer.WriteBase64String(RawDataProperty, TensorBytes.Raw(tensor));
        writer.WriteEndObject();
    }

    private static NamedTensor ReadCompact(JsonElement element, JsonElement raw)
    {
        var name = element.GetProperty("name").GetString() ?? "";
        if (!TensorDatatypes.TryParse(element.GetProperty("datatype").GetString(), out var datatype))
        {
            throw new InvalidDataException($"stored tensor '{name}' has an unknown datatype");
        }

        var shape = element.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var bytes = raw.GetBytesFromBase64();
        var count = bytes.Length / TensorBytes.ElementSize(datatype);
        return new NamedTensor(name, datatype, shape, TensorBytes.Decode(name, datatype, count, bytes, finiteOnly: false));
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4_096);
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            write(writer);
            writer.Flush();
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            // A large record must not pin its buffer to the thread for good.
            if (buffer.Capacity > 1 << 20)
            {
                t_buffer = null;
                t_writer = null;
            }
        }
    }
}

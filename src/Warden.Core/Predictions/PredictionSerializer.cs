using System.Buffers;
using System.Text;
using System.Text.Json;
using Warden.Core.Inference;
using Warden.Core.Tensors;

namespace Warden.Core.Predictions;

/// <summary>Turns a <see cref="PredictionRecord"/> into its stored form (tensors as a V2-style JSON array).</summary>
public static class PredictionSerializer
{
    /// <summary>Serialises the payloads of <paramref name="record"/>.</summary>
    public static StoredPrediction ToStored(PredictionRecord record) => new(
        0, record.Id, record.Time, record.Model, record.Version, record.KeyId, record.Purpose,
        Tensors(record.Inputs), Tensors(record.Outputs),
        record.Sensitive is { Count: > 0 } ? JsonSerializer.Serialize(record.Sensitive, PredictionJson.Default.IReadOnlyDictionaryStringString) : null,
        record.LatencyMs)
    {
        Features = FeatureVector.Encode(record.Inputs, record.Outputs),
    };

    // One buffer and writer per thread, reused: the log writer serialises two arrays per record, and a fresh writer over a
    // MemoryStream grew (and dropped) several buffers for each.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>JSON array of tensors.</summary>
    public static string Tensors(IReadOnlyList<NamedTensor> tensors)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4_096);
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            writer.WriteStartArray();
            foreach (var tensor in tensors)
            {
                InferenceResponseWriter.WriteTensor(writer, tensor);
            }

            writer.WriteEndArray();
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

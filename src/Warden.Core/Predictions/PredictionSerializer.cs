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

    /// <summary>JSON array of tensors.</summary>
    public static string Tensors(IReadOnlyList<NamedTensor> tensors)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var tensor in tensors)
            {
                InferenceResponseWriter.WriteTensor(writer, tensor);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}

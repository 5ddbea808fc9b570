using System.Text;
using System.Text.Json;
using Warden.Contracts.Edge;
using Warden.Core.Inference;
using Warden.Core.Predictions;
using Warden.Core.Tensors;

namespace Warden.Core.EdgeFleet;

/// <summary>
/// Reads the prediction records devices put in their telemetry (kind <c>prediction</c>, with <c>inputs</c> and
/// <c>outputs</c> as V2 tensor arrays, already redacted on the device by the model card's policy) into the server's
/// prediction log form. The caller is marked with the device: <c>edge:&lt;device&gt;:&lt;key id&gt;</c>, so edge
/// traffic is told apart from the server's own callers in the log, usage counts and audits.
/// </summary>
internal static class TelemetryPredictions
{
    /// <summary>The key id recorded for a device's local caller.</summary>
    public static string CallerOf(string deviceId, string? keyId) => $"edge:{deviceId}:{(string.IsNullOrEmpty(keyId) ? "-" : keyId)}";

    /// <summary>The stored prediction a telemetry record carries; null when it carries none (another kind, or an agent that sent only the summary).</summary>
    public static StoredPrediction? Read(string deviceId, TelemetryRecord record)
    {
        if (record.Kind != "prediction" || record.Data is not { ValueKind: JsonValueKind.Object } data
            || !data.TryGetProperty("inputs", out var inputs) || !IsTensorArray(inputs)
            || !data.TryGetProperty("outputs", out var outputs) || !IsTensorArray(outputs)
            || Text(data, "model") is not { Length: > 0 } model)
        {
            return null;
        }

        // Only text attributes are kept: the log, fairness audits and their readers take sensitive attributes as strings.
        string? sensitive = null;
        if (data.TryGetProperty("sensitive", out var s) && s.ValueKind == JsonValueKind.Object)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in s.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    values[property.Name] = property.Value.GetString()!;
                }
            }

            sensitive = values.Count > 0 ? JsonSerializer.Serialize(values) : null;
        }

        var time = data.TryGetProperty("time", out var t) && t.ValueKind == JsonValueKind.String && t.TryGetDateTimeOffset(out var parsed) ? parsed : record.Time;
        var latency = data.TryGetProperty("latency_ms", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetDouble() : 0;
        return new StoredPrediction(
            0, Text(data, "id") ?? $"{deviceId}-{record.Sequence}", time, model, Text(data, "version") ?? "", CallerOf(deviceId, Text(data, "key_id")),
            Text(data, "purpose"), inputs.GetRawText(), outputs.GetRawText(), sensitive, latency)
        {
            Features = Features(inputs, outputs),
        };
    }

    /// <summary>
    /// The monitoring vector a server record carries (<see cref="FeatureVector"/>), from the tensors as the device logged them,
    /// so drift and quality windows read edge records as they read the server's; null when a tensor does not read back
    /// (readers then use the JSON payloads).
    /// </summary>
    private static byte[]? Features(JsonElement inputs, JsonElement outputs) =>
        Tensors(inputs) is { } i && Tensors(outputs) is { } o ? FeatureVector.Encode(i, o) : null;

    // Each tensor as its declared datatype and shape, through the binder every request goes through.
    private static NamedTensor[]? Tensors(JsonElement tensors)
    {
        try
        {
            var request = InferenceRequestReader.Read(Encoding.UTF8.GetBytes("{\"inputs\":" + tensors.GetRawText() + "}"));
            var specs = new List<TensorSpec>(request.Inputs.Count);
            foreach (var raw in request.Inputs)
            {
                if (!TensorDatatypes.TryParse(raw.Datatype, out var datatype))
                {
                    return null;
                }

                specs.Add(new TensorSpec(raw.Name, datatype, raw.Shape));
            }

            return InputBinder.Bind("edge", new ModelSignature(specs, []), request.Inputs);
        }
        catch (WardenException)
        {
            return null;
        }
    }

    // The V2 tensor shape the log's readers rely on: name, datatype, shape and data.
    private static bool IsTensorArray(JsonElement tensors) =>
        tensors.ValueKind == JsonValueKind.Array && tensors.EnumerateArray().All(t =>
            t.ValueKind == JsonValueKind.Object
            && t.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            && t.TryGetProperty("datatype", out var datatype) && datatype.ValueKind == JsonValueKind.String
            && t.TryGetProperty("shape", out var shape) && shape.ValueKind == JsonValueKind.Array
            && t.TryGetProperty("data", out var values) && values.ValueKind == JsonValueKind.Array);

    private static string? Text(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

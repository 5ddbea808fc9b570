using System.Text.Json;
using Warden.Core.Predictions;
using Warden.Core.Registry;
using Warden.Core.Telemetry;

namespace Warden.Core.Inference;

/// <summary>
/// The inference path shared by every transport: scope check, version resolution, input binding, the model run and the
/// prediction record. Sensitive attributes (<c>parameters["sensitive.*"]</c>) and the purpose are recorded with the
/// prediction and never reach the model.
/// </summary>
public sealed class InferenceService(ModelRegistry registry, PredictionLog log, WardenMetrics metrics, TimeProvider time)
{
    /// <summary>Prefix of request parameters that carry sensitive attributes.</summary>
    public const string SensitivePrefix = "sensitive.";

    /// <summary>Runs one call; throws <see cref="WardenException"/> for anything the caller got wrong.</summary>
    public InferenceResult Infer(InferenceCall call)
    {
        var started = time.GetTimestamp();
        if (!call.Caller.CanUseModel(call.Model))
        {
            // Same answer as for a model that does not exist, so a scoped key cannot discover other models' names.
            throw WardenException.NotFound($"model '{call.Model}' is not found");
        }

        using var lease = registry.Acquire(call.Model, call.Version);
        var model = lease.Model;
        var inputs = InputBinder.Bind(call.Model, model.Signature, call.Request.Inputs);
        var requested = call.Request.RequestedOutputs;
        if (requested is not null)
        {
            foreach (var name in requested)
            {
                if (model.Signature.FindOutput(name) is null)
                {
                    throw WardenException.BadRequest(
                        $"unknown output '{name}'; model '{call.Model}' produces: {string.Join(", ", model.Signature.Outputs.Select(o => o.Name))}");
                }
            }
        }

        if (log.Options.Enabled && !log.HasRoom)
        {
            throw new WardenException(503, "the prediction log is full; retry shortly");
        }

        var runStarted = time.GetTimestamp();
        var outputs = model.Run(inputs, requested);
        metrics.RecordInference(call.Model, model.Version, time.GetElapsedTime(runStarted).TotalSeconds);

        var id = string.IsNullOrEmpty(call.Request.Id) ? Guid.CreateVersion7(time.GetUtcNow()).ToString() : call.Request.Id;
        var latency = time.GetElapsedTime(started).TotalMilliseconds;
        if (log.Options.Enabled)
        {
            var record = new PredictionRecord(
                id, time.GetUtcNow(), call.Model, model.Version, call.Caller.Id,
                call.Request.GetStringParameter("purpose") ?? call.PurposeHeader,
                inputs, outputs, ReadSensitive(call.Request), latency);
            if (!log.TryEnqueue(record))
            {
                throw new WardenException(503, "the prediction log is full; retry shortly");
            }
        }

        return new InferenceResult(call.Model, model.Version, id, outputs, latency);
    }

    private static Dictionary<string, string>? ReadSensitive(RawInferenceRequest request)
    {
        if (request.Parameters is null)
        {
            return null;
        }

        Dictionary<string, string>? result = null;
        foreach (var (name, value) in request.Parameters)
        {
            if (name.StartsWith(SensitivePrefix, StringComparison.Ordinal) && name.Length > SensitivePrefix.Length)
            {
                result ??= new Dictionary<string, string>(StringComparer.Ordinal);
                result[name[SensitivePrefix.Length..]] = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            }
        }

        return result;
    }
}

using System.Text.Json;
using Warden.Core.Predictions;
using Warden.Core.Registry;
using Warden.Core.Serving;
using Warden.Core.Settings;
using Warden.Core.Telemetry;
using Warden.Core.Tensors;

namespace Warden.Core.Inference;

/// <summary>
/// The inference path shared by every transport: scope check, interceptors, version resolution, input binding, the model
/// run and the prediction record. Sensitive attributes (<c>parameters["sensitive.*"]</c>) and the purpose are recorded with
/// the prediction and never reach the model.
/// </summary>
public sealed class InferenceService
{
    /// <summary>Prefix of request parameters that carry sensitive attributes.</summary>
    public const string SensitivePrefix = "sensitive.";

    private readonly IModelCatalog _registry;
    private readonly PredictionLog _log;
    private readonly WardenMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly InferenceInterceptor[] _interceptors;
    private readonly InferenceInterceptor[] _explanationInterceptors;
    private readonly Hooks _hooks;
    private readonly Hooks _explanationHooks;
    private readonly ModelSettings? _settings;
    private readonly ExecutionStatistics? _statistics;

    public InferenceService(
        IModelCatalog registry, PredictionLog log, WardenMetrics metrics, TimeProvider time, IEnumerable<InferenceInterceptor> interceptors,
        ModelSettings? settings = null, ExecutionStatistics? statistics = null)
    {
        _settings = settings;
        _statistics = statistics;
        _registry = registry;
        _log = log;
        _metrics = metrics;
        _time = time;
        _interceptors = interceptors.OrderBy(i => i.Order).ToArray();
        _explanationInterceptors = _interceptors.Where(i => i.AppliesToExplanations).ToArray();
        _hooks = new Hooks(_interceptors);
        _explanationHooks = new Hooks(_explanationInterceptors);
    }

    /// <summary>
    /// Runs one call; throws <see cref="WardenException"/> for anything the caller got wrong or may not do. Completes
    /// synchronously unless the deployment batches requests (<see cref="ServingSettings.DynamicBatching"/>).
    /// </summary>
    public async ValueTask<InferenceResult> InferAsync(InferenceCall call)
    {
        var started = _time.GetTimestamp();
        var context = Begin(call, isExplanation: false);
        var inProgress = _log.BeginInference();
        using var span = WardenActivitySource.Start("warden.inference");
        span?.SetTag("warden.model", call.Model);
        span?.SetTag("warden.request.id", context.Id);
        span?.SetTag("warden.key.id", call.Caller.Id);
        try
        {
            RunPhase(_hooks, context, Phase.Request);
            context.Stage = "resolve";

            // A name holding pipeline versions runs the pipeline in place of a session; it needs no lease of its own, and the
            // member models it calls are leased per call, so only the inputs present are bound (a rule may decide alone).
            var pipeline = _registry.FindPipeline(call.Model, context.Version);
            using var lease = pipeline is null ? _registry.Acquire(call.Model, context.Version) : default;
            var model = lease.Model;
            context.Record = pipeline?.Record ?? lease.Record;
            span?.SetTag("warden.model.version", context.Record.Version);
            var signature = pipeline?.Signature ?? model.Signature;
            context.Signature = signature;
            context.Stage = "bind";
            using (WardenActivitySource.Start("warden.bind"))
            {
                context.Inputs = pipeline is null
                    ? InputBinder.Bind(call.Model, signature, call.Request.Inputs)
                    : InputBinder.BindPresent(call.Model, signature, call.Request.Inputs);
            }

            var requested = call.Request.RequestedOutputs;
            if (requested is not null)
            {
                foreach (var name in requested)
                {
                    if (signature.FindOutput(name) is null)
                    {
                        throw WardenException.BadRequest(
                            $"unknown output '{name}'; model '{call.Model}' produces: {string.Join(", ", signature.Outputs.Select(o => o.Name))}");
                    }
                }
            }

            RunPhase(_hooks, context, Phase.Inputs);
            context.Stage = "prediction_log";
            if (_log.Options.Enabled && !_log.HasRoom)
            {
                throw new WardenException(503, "the prediction log is full; retry shortly");
            }

            var version = context.Record.Version;
            var runStarted = _time.GetTimestamp();
            var computed = requested is not null && context.HasAdditionalOutputs
                ? requested.Concat(context.AdditionalOutputs.Where(o => !requested.Contains(o) && signature.FindOutput(o) is not null)).ToList()
                : requested;
            context.Stage = "run";
            using (WardenActivitySource.Start("warden.model.run"))
            {
                context.Outputs = pipeline is null
                    ? await model.RunAsync(context.Inputs, computed, _settings?.Get<ServingSettings>(call.Model, ServingSettings.Kind)?.DynamicBatching, _metrics, _time).ConfigureAwait(false)
                    : Select(pipeline.Decide(context, _registry), computed);
            }

            _metrics.RecordInference(call.Model, version, _time.GetElapsedTime(runStarted).TotalSeconds);
            RunPhase(_hooks, context, Phase.Outputs);

            if (!ReferenceEquals(computed, requested))
            {
                context.Outputs = Select(context.Outputs!, requested);
            }

            var latency = _time.GetElapsedTime(started).TotalMilliseconds;
            var committed = Task.CompletedTask;
            if (_log.Options.Enabled)
            {
                context.Stage = "prediction_log";
                var record = new PredictionRecord(
                    context.Id, _time.GetUtcNow(), call.Model, version, call.Caller.Id, context.Purpose,
                    context.Inputs, context.Outputs, context.Sensitive, latency);

                // The count of inferences under way ends inside TryEnqueue, after the record is prepared and before it is
                // queued: the writer must never see this record while still counting the request as under way (it would
                // hold the batch open for a record it already has), nor close a batch while the record is being prepared.
                var endsInference = inProgress;
                inProgress = false;
                if (!_log.TryEnqueue(record, endsInference, out committed))
                {
                    throw new WardenException(503, "the prediction log is full; retry shortly");
                }
            }

            RunPhase(_hooks, context, Phase.Completed);
            _statistics?.For(call.Model, version).RecordRequest(true, RowsOf(context), _time.GetElapsedTime(started), _time.GetUtcNow());
            return new InferenceResult(call.Model, version, context.Id, context.Outputs, latency, context) { Committed = committed };
        }
        catch (Exception ex)
        {
            WardenActivitySource.RecordFailure(span, ex);
            if (ex is WardenException refusal)
            {
                _metrics.RecordRefusal(_registry.Label(call.Model), context.Stage, refusal.StatusCode);
                span?.SetTag("warden.refusal.reason", context.Stage);
            }

            if (context.Record is { } resolved)
            {
                _statistics?.For(call.Model, resolved.Version).RecordRequest(false, 0, _time.GetElapsedTime(started), _time.GetUtcNow());
            }

            foreach (var interceptor in _interceptors)
            {
                interceptor.OnFailed(context, ex);
            }

            throw;
        }
        finally
        {
            if (inProgress)
            {
                _log.EndInference();
            }

            context.DisposeResources();
        }
    }

    // Triton counts each request by its batch size: the rows of a model whose first dimension is the batch, else one.
    private static long RowsOf(InferenceContext context) =>
        context.Signature is { } signature && context.Inputs is { Length: > 0 } inputs && signature.Inputs.Count > 0 && signature.Inputs.All(i => i.Shape is [-1, ..])
            ? DynamicBatcher.RowsOf(inputs) ?? 1
            : 1;

    /// <summary>
    /// Runs an explanation through the same controls as an inference: scope, purposes and usage policy, rate limits and
    /// quotas (charged the explanation's cost), concurrency caps (held until <paramref name="explain"/> ends), input
    /// policies, usage counts and extraction monitoring — every interceptor that
    /// <see cref="InferenceInterceptor.AppliesToExplanations"/>. <paramref name="explain"/> receives the context with
    /// the resolved version (<see cref="InferenceContext.Record"/>) and the bound inputs; explain that version.
    /// </summary>
    public async Task<T> ExplainAsync<T>(InferenceCall call, Func<InferenceContext, CancellationToken, Task<T>> explain, CancellationToken cancellationToken = default)
    {
        var context = Begin(call, isExplanation: true);
        using var span = WardenActivitySource.Start("warden.explanation");
        span?.SetTag("warden.model", call.Model);
        span?.SetTag("warden.request.id", context.Id);
        try
        {
            RunPhase(_explanationHooks, context, Phase.Request);
            context.Stage = "resolve";

            if (_registry.FindPipeline(call.Model, context.Version) is not null)
            {
                throw WardenException.BadRequest($"'{call.Model}' is a pipeline; explain the models it calls instead");
            }

            using (var lease = _registry.Acquire(call.Model, context.Version))
            {
                context.Record = lease.Record;
                context.Signature = lease.Model.Signature;
                context.Stage = "bind";
                context.Inputs = InputBinder.Bind(call.Model, lease.Model.Signature, call.Request.Inputs);
            }

            RunPhase(_explanationHooks, context, Phase.Inputs);
            context.Stage = "explain";
            var result = await explain(context, cancellationToken).ConfigureAwait(false);
            RunPhase(_explanationHooks, context, Phase.Completed);
            return result;
        }
        catch (Exception ex)
        {
            WardenActivitySource.RecordFailure(span, ex);
            if (ex is WardenException refusal)
            {
                _metrics.RecordRefusal(_registry.Label(call.Model), context.Stage, refusal.StatusCode);
            }

            foreach (var interceptor in _explanationInterceptors)
            {
                interceptor.OnFailed(context, ex);
            }

            throw;
        }
        finally
        {
            context.DisposeResources();
        }
    }

    private InferenceContext Begin(InferenceCall call, bool isExplanation)
    {
        if (!call.Caller.CanUseModel(call.Model))
        {
            _metrics.RecordRefusal(_registry.Label(call.Model), "access", 404);
            // Same answer as for a model that does not exist, so a scoped key cannot discover other models' names.
            throw WardenException.NotFound($"model '{call.Model}' is not found");
        }

        var id = string.IsNullOrEmpty(call.Request.Id) ? RequestIds.NewId(_time.GetUtcNow()) : call.Request.Id;
        return new InferenceContext(call, id, call.Request.GetStringParameter("purpose") ?? call.PurposeHeader, ReadSensitive(call.Request), isExplanation);
    }

    // Each interceptor's hook runs in its own span; the context remembers the step so that a refusal names it.
    private static void RunPhase(Hooks hooks, InferenceContext context, Phase phase)
    {
        if (WardenActivitySource.Instance.HasListeners())
        {
            RunTraced(hooks.All, context, phase);
            return;
        }

        // Untraced, only the interceptors that override this phase's hook are called: most of them act in one or two
        // phases, and the base hooks do nothing.
        foreach (var interceptor in hooks.For(phase))
        {
            context.Stage = interceptor.Name;
            Call(interceptor, context, phase);
        }

        // The step a later refusal names is what it was when every interceptor ran: the last one's.
        if (hooks.All.Length > 0)
        {
            context.Stage = hooks.All[^1].Name;
        }
    }

    private static void RunTraced(InferenceInterceptor[] interceptors, InferenceContext context, Phase phase)
    {
        foreach (var interceptor in interceptors)
        {
            context.Stage = interceptor.Name;
            using var span = WardenActivitySource.Instance.StartActivity($"warden.interceptor {interceptor.Name} {PhaseName(phase)}");
            try
            {
                Call(interceptor, context, phase);
            }
            catch (Exception ex)
            {
                WardenActivitySource.RecordFailure(span, ex);
                throw;
            }
        }
    }

    private static void Call(InferenceInterceptor interceptor, InferenceContext context, Phase phase)
    {
        switch (phase)
        {
            case Phase.Request:
                interceptor.OnRequest(context);
                break;
            case Phase.Inputs:
                interceptor.OnInputs(context);
                break;
            case Phase.Outputs:
                interceptor.OnOutputs(context);
                break;
            default:
                interceptor.OnCompleted(context);
                break;
        }
    }

    private static string PhaseName(Phase phase) => phase switch
    {
        Phase.Request => "request",
        Phase.Inputs => "inputs",
        Phase.Outputs => "outputs",
        _ => "completed",
    };

    private static NamedTensor[] Select(NamedTensor[] outputs, IReadOnlyList<string>? requested) =>
        requested is null ? outputs : outputs.Where(o => requested.Contains(o.Name)).ToArray();

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

    // The interceptors in order, and per phase those that override its hook.
    private sealed class Hooks(InferenceInterceptor[] all)
    {
        private readonly InferenceInterceptor[][] _byPhase =
        [
            Overriding(all, nameof(InferenceInterceptor.OnRequest)),
            Overriding(all, nameof(InferenceInterceptor.OnInputs)),
            Overriding(all, nameof(InferenceInterceptor.OnOutputs)),
            Overriding(all, nameof(InferenceInterceptor.OnCompleted)),
        ];

        public InferenceInterceptor[] All { get; } = all;

        public InferenceInterceptor[] For(Phase phase) => _byPhase[(int)phase];

        private static InferenceInterceptor[] Overriding(InferenceInterceptor[] interceptors, string hook) =>
            interceptors.Where(i => i.GetType().GetMethod(hook, [typeof(InferenceContext)])?.DeclaringType != typeof(InferenceInterceptor)).ToArray();
    }

    private enum Phase
    {
        Request,
        Inputs,
        Outputs,
        Completed,
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Warden.Contracts.Registry;
using Warden.Core.Audit;
using Warden.Core.Inference;
using Warden.Core.Pipelines;
using Warden.Core.Serving;
using Warden.Core.Settings;
using Warden.Core.Storage;

namespace Warden.Core.Registry;

/// <summary>
/// The model registry: immutable, content-addressed versions with stages, and the ONNX Runtime sessions that serve them.
/// Readers see an immutable snapshot swapped atomically after each change, so deploying or promoting never blocks or
/// breaks in-flight requests; sessions of versions that leave service are disposed once their last request finishes.
/// </summary>
public sealed partial class ModelRegistry : IModelCatalog, IDisposable
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ModelVersionRecord, string> ScoreOutputs = [];
    private static readonly JsonSerializerOptions CardJson = new(JsonSerializerDefaults.Web);
    private readonly IModelStore _store;
    private readonly IModelBlobStore _blobs;
    private readonly AuditLog _audit;
    private readonly OnnxOptions _onnx;
    private readonly TimeProvider _time;
    private readonly ILogger<ModelRegistry> _logger;
    private readonly IPromotionGate[] _gates;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ModelSettings? _settings;
    private volatile IReadOnlyDictionary<string, RegisteredModel> _snapshot = new Dictionary<string, RegisteredModel>();

    // Models unloaded through the repository extension: this replica serves none of their versions until they are loaded
    // again. Like Triton's, the state is the running server's, not the registry's: a restart serves them again.
    private volatile IReadOnlySet<string> _unloaded = new HashSet<string>(StringComparer.Ordinal);

    public ModelRegistry(
        IModelStore store, IModelBlobStore blobs, AuditLog audit, IOptions<OnnxOptions> onnx, TimeProvider time, ILogger<ModelRegistry> logger,
        IEnumerable<IPromotionGate>? gates = null, ModelSettings? settings = null, ExecutionStatistics? statistics = null)
    {
        _settings = settings;
        Statistics = statistics ?? new ExecutionStatistics();
        if (settings is not null)
        {
            // A changed serving document may change session settings: reload the sessions it affects.
            settings.Changed += (_, _) => _ = RefreshSessionsAsync();
        }

        _gates = gates?.ToArray() ?? [];
        _store = store;
        _blobs = blobs;
        _audit = audit;
        _onnx = onnx.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Label that metrics and usage counts use for a model or version that is not registered.</summary>
    public const string UnregisteredLabel = "(unregistered)";

    /// <summary>
    /// The name to label metrics and usage counts with: <paramref name="model"/> when registered, else
    /// <see cref="UnregisteredLabel"/>. Labels taken verbatim from URLs would let any caller grow memory and metric
    /// cardinality without bound by inventing names.
    /// </summary>
    public string Label(string model) => _snapshot.ContainsKey(model) ? model : UnregisteredLabel;

    /// <summary>The version label for metrics: <paramref name="version"/> when the model has it (or empty), else <see cref="UnregisteredLabel"/>.</summary>
    public string VersionLabel(string model, string version) =>
        version.Length == 0 || (_snapshot.TryGetValue(model, out var registered) && registered.FindVersion(version) is not null) ? version : UnregisteredLabel;

    /// <summary>
    /// Input names of <paramref name="model"/>: of <paramref name="version"/> when given, else of every loaded version; null
    /// when the name is unknown or holds pipelines (whose inputs are their own).
    /// </summary>
    public IReadOnlySet<string>? InputNames(string model, string? version = null) =>
        _snapshot.TryGetValue(model, out var registered) && !registered.IsPipeline
            ? registered.Loaded.Where(l => version is null || l.Key == version).SelectMany(l => l.Value.Signature.Inputs.Select(i => i.Name)).ToHashSet(StringComparer.Ordinal)
            : null;

    /// <summary>Execution statistics of every version served since start.</summary>
    public ExecutionStatistics Statistics { get; }

    /// <summary>True when <paramref name="model"/> was unloaded through the repository extension.</summary>
    public bool IsUnloaded(string model) => _unloaded.Contains(model);

    /// <summary>True once stored versions have been loaded.</summary>
    public bool IsReady { get; private set; }

    /// <summary>
    /// Raised after a change made through this instance is stored (deploy, promote, stage, rollback), so that other
    /// replicas can be told to reload; not raised by <see cref="InitializeAsync"/>.
    /// </summary>
    public event EventHandler? Changed;

    /// <summary>Current models, by name.</summary>
    public IReadOnlyDictionary<string, RegisteredModel> Models => _snapshot;

    /// <summary>Reads the store and loads every version that is not archived (at start, and again when another replica changed the registry).</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RebuildAsync(cancellationToken, announce: false).ConfigureAwait(false);
            IsReady = true;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Takes the version a request should run on: <paramref name="version"/> when given, else the production version.
    /// Unknown models and versions are 404, as Triton and KServe answer.
    /// </summary>
    public ModelLease Acquire(string model, string? version)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (!_snapshot.TryGetValue(model, out var registered))
            {
                throw WardenException.NotFound($"model '{model}' is not found");
            }

            var label = version ?? registered.ProductionVersion
                ?? throw WardenException.NotFound($"model '{model}' has no production version; name a version explicitly");
            var record = registered.FindVersion(label) ?? throw WardenException.NotFound($"version '{label}' of model '{model}' is not found");
            if (record.Kind == ModelKinds.Pipeline)
            {
                throw WardenException.BadRequest($"'{model}' is a pipeline, not a model; only inference runs pipelines");
            }

            if (!registered.Loaded.TryGetValue(label, out var loaded) && _unloaded.Contains(model))
            {
                throw new WardenException(400, $"model '{model}' is unloaded; load it with POST /v2/repository/models/{model}/load");
            }

            if (loaded is null)
            {
                throw new WardenException(400, $"version '{label}' of model '{model}' is {record.Stage} and not loaded; promote it to staging to serve it");
            }

            if (loaded.TryAcquire())
            {
                return new ModelLease(loaded, record);
            }

            // The version was swapped out between reading the snapshot and acquiring it; read the new snapshot.
        }

        throw new WardenException(503, $"model '{model}' is being reloaded; retry");
    }

    /// <summary>The record of <paramref name="version"/> (or the production/latest version) of <paramref name="model"/>; null when unknown.</summary>
    public ModelVersionRecord? FindRecord(string model, string? version)
    {
        if (!_snapshot.TryGetValue(model, out var registered) || registered.Versions.Count == 0)
        {
            return null;
        }

        return version is not null
            ? registered.FindVersion(version)
            : (registered.ProductionVersion is { } production ? registered.FindVersion(production) : null) ?? registered.Versions[^1];
    }

    /// <summary>
    /// The loaded pipeline version a request names (<paramref name="version"/>, else production), or null when the name
    /// holds models or the version is unknown or not loaded (then <see cref="Acquire"/> gives the precise error).
    /// </summary>
    public PipelineDeployment? FindPipeline(string model, string? version)
    {
        if (!_snapshot.TryGetValue(model, out var registered) || registered.Pipelines is not { Count: > 0 } pipelines)
        {
            return null;
        }

        var label = version ?? registered.ProductionVersion;
        return label is not null && pipelines.TryGetValue(label, out var deployment) ? deployment : null;
    }

    /// <summary>
    /// Deploys a new immutable pipeline version under <paramref name="name"/>: validated with <see cref="PipelineValidator"/>
    /// (every member model must be registered and servable now), stored as its canonical JSON (SHA-256 addressed like an
    /// ONNX file) with the union of its members' inputs as its signature, then staged, promoted and rolled back like a model.
    /// </summary>
    public async Task<ModelVersionRecord> DeployPipelineAsync(
        string name, PipelineDocument document, ModelCard? card, string actor, string? version = null, string stage = ModelStages.Staging, CancellationToken cancellationToken = default)
    {
        CheckDeployArguments(name, stage);
        var snapshot = _snapshot;
        var problems = PipelineValidator.Validate(document, (model, pinned) =>
            snapshot.TryGetValue(model, out var registered) && (pinned ?? registered.ProductionVersion) is { } label && registered.Loaded.ContainsKey(label));
        if (problems.Count > 0)
        {
            throw WardenException.BadRequest("the pipeline is invalid: " + string.Join("; ", problems));
        }

        CompiledPipeline.Compile(document);
        var signature = PipelineDeployment.Union(document, (model, pinned) =>
        {
            var registered = snapshot[model];
            return registered.Loaded[pinned ?? registered.ProductionVersion!].Signature;
        });
        card ??= new ModelCard();
        if (string.IsNullOrEmpty(card.Description))
        {
            card.Description = "Pipeline of " + string.Join(", ", PipelineDeployment.Members(document).Select(m => m.Model + (m.Version is null ? "" : ":" + m.Version)).Distinct());
        }

        card.ScoreOutput ??= PipelineDeployment.ScoreOutput;
        card.LabelOutput ??= PipelineDeployment.DecisionOutput;
        return await AddVersionAsync(
            name, ModelKinds.Pipeline, PipelineDocumentReader.Canonical(document), VersionSignature.From(signature).ToJson(), card, actor, version, stage, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deploys a new immutable version.</summary>
    /// <param name="model">Model name (lower-case letters, digits, '.', '_' and '-').</param>
    /// <param name="onnx">The ONNX file.</param>
    /// <param name="card">The model card.</param>
    /// <param name="actor">Key id of the deployer.</param>
    /// <param name="version">Version label; the next integer when null.</param>
    /// <param name="stage">Initial stage, staging by default.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public async Task<ModelVersionRecord> DeployAsync(
        string model, byte[] onnx, ModelCard card, string actor, string? version = null, string stage = ModelStages.Staging, CancellationToken cancellationToken = default)
    {
        CheckDeployArguments(model, stage);
        if (onnx.Length == 0)
        {
            throw WardenException.BadRequest("the model file is empty");
        }

        LoadedModel loaded;
        try
        {
            loaded = LoadedModel.Load(model, version ?? "?", onnx, _onnx);
        }
        catch (Exception ex) when (ex is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or InvalidDataException)
        {
            throw WardenException.BadRequest($"the file is not a servable ONNX model: {ex.Message}");
        }

        try
        {
            return await AddVersionAsync(
                model, ModelKinds.Model, onnx, VersionSignature.From(loaded.Signature).ToJson(), card, actor, version, stage, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            loaded.Retire();
        }
    }

    private static void CheckDeployArguments(string model, string stage)
    {
        if (!ModelName().IsMatch(model))
        {
            throw WardenException.BadRequest($"model name '{model}' is invalid: use 1-63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        if (stage is not (ModelStages.Staging or ModelStages.Production))
        {
            throw WardenException.BadRequest($"a new version can start in staging or production, not '{stage}'");
        }
    }

    private async Task<ModelVersionRecord> AddVersionAsync(
        string model, string kind, byte[] artifact, string signatureJson, ModelCard card, string actor, string? version, string stage, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var existing = _snapshot.TryGetValue(model, out var registered) ? registered.Versions : [];
            if (existing.Count > 0 && existing[0].Kind != kind)
            {
                throw WardenException.Conflict($"'{model}' holds {existing[0].Kind} versions; a name holds versions of one kind, so deploy the {kind} under another name");
            }

            if (version is not null)
            {
                if (!long.TryParse(version, out var number) || number <= 0 || number.ToString(System.Globalization.CultureInfo.InvariantCulture) != version)
                {
                    throw WardenException.BadRequest($"version '{version}' is invalid: versions are positive integers");
                }

                if (existing.Any(v => v.Version == version))
                {
                    throw WardenException.Conflict($"version '{version}' of model '{model}' already exists; versions are immutable, deploy a new one");
                }
            }

            var label = version ?? ((existing.Count == 0 ? 0 : existing.Max(v => long.Parse(v.Version, System.Globalization.CultureInfo.InvariantCulture))) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var sha = await _blobs.PutAsync(artifact, cancellationToken).ConfigureAwait(false);
            card.Name = string.IsNullOrEmpty(card.Name) ? model : card.Name;
            var record = new ModelVersionRecord(
                model, label, sha, artifact.Length, ModelStages.Staging, actor, _time.GetUtcNow(), signatureJson, JsonSerializer.Serialize(card, CardJson), kind);
            await _store.AddVersionAsync(record, cancellationToken).ConfigureAwait(false);
            await _audit.AppendAsync(actor, kind + ".deploy", $"{model}:{label}", new { sha256 = sha, size = artifact.Length, stage }, cancellationToken).ConfigureAwait(false);
            if (stage == ModelStages.Production)
            {
                await SetProductionAsync(model, label, actor, "deploy", null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await RebuildAsync(cancellationToken).ConfigureAwait(false);
            }

            LogDeployed(model, label, sha);
            return _snapshot[model].FindVersion(label)!;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Moves a version to <paramref name="stage"/>. Promoting to production archives the previous production version and
    /// first asks every <see cref="IPromotionGate"/>: a refusal is 409 listing the failures, unless <paramref name="force"/>
    /// is set with a written <paramref name="reason"/>, in which case the override and the failures go to the audit chain.
    /// </summary>
    public async Task<ModelVersionRecord> SetStageAsync(
        string model, string version, string stage, string actor, string? reason = null, CancellationToken cancellationToken = default, bool force = false)
    {
        if (!ModelStages.IsValid(stage))
        {
            throw WardenException.BadRequest($"unknown stage '{stage}'; stages are staging, production, archived");
        }

        if (stage == ModelStages.Production && _gates.Length > 0)
        {
            await CheckGatesAsync(model, version, actor, reason, force, cancellationToken).ConfigureAwait(false);
        }

        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var registered = Find(model);
            var record = registered.FindVersion(version) ?? throw WardenException.NotFound($"version '{version}' of model '{model}' is not found");
            if (stage == ModelStages.Production)
            {
                if (registered.ProductionVersion == version)
                {
                    return record;
                }

                await SetProductionAsync(model, version, actor, "promote", reason, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (registered.ProductionVersion == version)
                {
                    throw WardenException.Conflict($"version '{version}' is in production; promote or roll back to another version first");
                }

                await _store.SetStagesAsync(model, new Dictionary<string, string> { [version] = stage }, cancellationToken).ConfigureAwait(false);
                await _audit.AppendAsync(actor, "model.stage", $"{model}:{version}", new { from = record.Stage, to = stage, reason }, cancellationToken).ConfigureAwait(false);
                await RebuildAsync(cancellationToken).ConfigureAwait(false);
            }

            return _snapshot[model].FindVersion(version)!;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task CheckGatesAsync(string model, string version, string actor, string? reason, bool force, CancellationToken cancellationToken)
    {
        var registered = Find(model);
        var candidate = registered.FindVersion(version) ?? throw WardenException.NotFound($"version '{version}' of model '{model}' is not found");
        if (registered.ProductionVersion == version)
        {
            return;
        }

        var failed = (await RunGatesAsync(registered, candidate, cancellationToken).ConfigureAwait(false)).Where(c => !c.Passed).ToList();
        if (failed.Count == 0)
        {
            return;
        }

        var failures = failed.SelectMany(c => c.Failures.Select(f => $"{c.Gate}: {f}")).ToList();
        if (!force)
        {
            throw WardenException.Conflict(
                $"promotion of '{model}' version {version} to production is refused: {string.Join("; ", failures)}. "
                + "An admin may override with force=true and a written reason.");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw WardenException.BadRequest("overriding a failed promotion gate needs a written reason");
        }

        await _audit.AppendAsync(actor, "model.promote.override", $"{model}:{version}", new { reason, failures }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Every gate's verdict on promoting <paramref name="version"/> to production now, without promoting it (the console shows
    /// it before a deployer clicks). Empty when no gate is registered or the version is already in production.
    /// </summary>
    public async Task<IReadOnlyList<PromotionCheck>> CheckPromotionAsync(string model, string version, CancellationToken cancellationToken = default)
    {
        var registered = Find(model);
        var candidate = registered.FindVersion(version) ?? throw WardenException.NotFound($"version '{version}' of model '{model}' is not found");
        return registered.ProductionVersion == version ? [] : await RunGatesAsync(registered, candidate, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<PromotionCheck>> RunGatesAsync(RegisteredModel registered, ModelVersionRecord candidate, CancellationToken cancellationToken)
    {
        var champion = registered.ProductionVersion is { } current ? registered.FindVersion(current) : null;
        var checks = new List<PromotionCheck>(_gates.Length);
        foreach (var gate in _gates)
        {
            checks.Add(await gate.CheckAsync(candidate, champion, cancellationToken).ConfigureAwait(false));
        }

        return checks;
    }

    /// <summary>
    /// Loads <paramref name="model"/> again after an unload, or reloads its sessions (new sessions from the stored files and the
    /// current serving settings; requests in flight finish on the old ones). 404 for an unknown model.
    /// </summary>
    public async Task LoadAsync(string model, string actor, CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Find(model);
            _unloaded = new HashSet<string>(_unloaded.Where(m => m != model), StringComparer.Ordinal);
            await RebuildAsync(cancellationToken, announce: false, reload: model).ConfigureAwait(false);
            await _audit.AppendAsync(actor, "model.load", model, new { }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Stops serving <paramref name="model"/> on this replica until it is loaded again: its sessions are retired once their
    /// requests finish, readiness turns false and inference is refused. With <paramref name="dependents"/>, a pipeline's member
    /// models are unloaded too. Versions and stages are untouched. 404 for an unknown model.
    /// </summary>
    public async Task<IReadOnlyList<string>> UnloadAsync(string model, string actor, bool dependents = false, CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var registered = Find(model);
            var names = new List<string> { model };
            if (dependents && registered.Pipelines is { } pipelines)
            {
                names.AddRange(pipelines.Values.SelectMany(p => PipelineDeployment.Members(p.Pipeline.Document)).Select(m => m.Model)
                    .Where(m => m != model && _snapshot.ContainsKey(m)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
            }

            _unloaded = new HashSet<string>(_unloaded.Concat(names), StringComparer.Ordinal);
            await RebuildAsync(cancellationToken, announce: false).ConfigureAwait(false);
            await _audit.AppendAsync(actor, "model.unload", model, new { models = names }, cancellationToken).ConfigureAwait(false);
            return names;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Reloads the sessions whose deployment's session settings changed since they were loaded.</summary>
    public async Task RefreshSessionsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        try
        {
            if (IsReady)
            {
                await RebuildAsync(cancellationToken, announce: false).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Data.Common.DbException)
        {
            LogRefreshFailed(ex);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Puts the previous production version back in production and archives the current one.</summary>
    public async Task<ModelVersionRecord> RollbackAsync(string model, string actor, string? reason = null, CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var registered = Find(model);
            var current = registered.ProductionVersion ?? throw WardenException.Conflict($"model '{model}' has no production version to roll back");
            var history = await _store.GetProductionHistoryAsync(model, cancellationToken).ConfigureAwait(false);
            var previous = history.FirstOrDefault(v => v != current && registered.FindVersion(v) is not null)
                ?? throw WardenException.Conflict($"model '{model}' has no earlier production version to roll back to");
            await SetProductionAsync(model, previous, actor, "rollback", reason, cancellationToken).ConfigureAwait(false);
            return _snapshot[model].FindVersion(previous)!;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>The card of a version.</summary>
    public static ModelCard ReadCard(ModelVersionRecord record) => JsonSerializer.Deserialize(record.CardJson, ModelCardJson.Default.ModelCard) ?? new ModelCard();

    /// <summary>The output carrying a version's positive-class probability: the card's, else <c>probability</c>.</summary>
    public static string ScoreOutputOf(ModelVersionRecord record) =>
        // Version records are immutable, so the card is parsed once per version rather than on every request that needs it.
        ScoreOutputs.GetValue(record, r => ReadCard(r).ScoreOutput is { Length: > 0 } name ? name : Explanations.ExplanationService.DefaultScoreOutput);

    public void Dispose()
    {
        foreach (var model in _snapshot.Values)
        {
            foreach (var loaded in model.Loaded.Values)
            {
                loaded.Retire();
            }
        }

        _snapshot = new Dictionary<string, RegisteredModel>();
        _writeGate.Dispose();
    }

    private RegisteredModel Find(string model) =>
        _snapshot.TryGetValue(model, out var registered) ? registered : throw WardenException.NotFound($"model '{model}' is not found");

    private async Task SetProductionAsync(string model, string version, string actor, string how, string? reason, CancellationToken cancellationToken)
    {
        var stages = new Dictionary<string, string>();
        string? previous = null;
        if (_snapshot.TryGetValue(model, out var registered) && registered.ProductionVersion is { } current && current != version)
        {
            previous = current;
            stages[current] = ModelStages.Archived;
        }

        stages[version] = ModelStages.Production;
        await _store.SetStagesAsync(model, stages, cancellationToken).ConfigureAwait(false);
        await _audit.AppendAsync(actor, "model." + how, $"{model}:{version}", new { previous, reason }, cancellationToken).ConfigureAwait(false);
        await RebuildAsync(cancellationToken).ConfigureAwait(false);
    }

    // Called under the write gate: re-reads the store, loads newly servable versions, reuses sessions that stay, publishes
    // the new snapshot, then retires sessions that left service.
    private async Task RebuildAsync(CancellationToken cancellationToken, bool announce = true, string? reload = null)
    {
        var unloaded = _unloaded;
        var records = await _store.ListVersionsAsync(cancellationToken).ConfigureAwait(false);
        var old = _snapshot;
        var next = new Dictionary<string, RegisteredModel>(StringComparer.Ordinal);
        var kept = new HashSet<LoadedModel>();
        foreach (var group in records.GroupBy(r => r.Model, StringComparer.Ordinal))
        {
            var loaded = new Dictionary<string, LoadedModel>(StringComparer.Ordinal);
            Dictionary<string, PipelineDeployment>? pipelines = null;
            var session = _settings?.Get<ServingSettings>(group.Key, ServingSettings.Kind)?.Session;
            foreach (var record in group.Where(r => r.Stage != ModelStages.Archived && !unloaded.Contains(r.Model)))
            {
                if (record.Kind == ModelKinds.Pipeline)
                {
                    pipelines ??= new Dictionary<string, PipelineDeployment>(StringComparer.Ordinal);
                    if (old.TryGetValue(group.Key, out var before) && before.Pipelines?.GetValueOrDefault(record.Version) is { } compiled)
                    {
                        // Versions are immutable, so the compiled pipeline can be reused; the record carries the new stage.
                        pipelines[record.Version] = compiled.WithRecord(record);
                        continue;
                    }

                    try
                    {
                        pipelines[record.Version] = PipelineDeployment.Load(record, await _blobs.GetAsync(record.Sha256, cancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception ex) when (ex is IOException or InvalidDataException or System.Text.Json.JsonException or WardenException)
                    {
                        LogLoadFailed(ex, record.Model, record.Version);
                    }

                    continue;
                }

                if (group.Key != reload && old.TryGetValue(group.Key, out var previous) && previous.Loaded.TryGetValue(record.Version, out var existing)
                    && !existing.IsDisposed && Equals(existing.Settings, session))
                {
                    loaded[record.Version] = existing;
                    kept.Add(existing);
                    continue;
                }

                try
                {
                    var bytes = await _blobs.GetAsync(record.Sha256, cancellationToken).ConfigureAwait(false);
                    loaded[record.Version] = LoadedModel.Load(record.Model, record.Version, bytes, _onnx, session, Statistics.For(record.Model, record.Version));
                }
                catch (Exception ex) when (ex is IOException or InvalidDataException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
                {
                    LogLoadFailed(ex, record.Model, record.Version);
                }
            }

            var production = group.FirstOrDefault(r => r.Stage == ModelStages.Production)?.Version;
            next[group.Key] = new RegisteredModel(group.Key, group.ToList(), production, loaded, pipelines);
        }

        _snapshot = next;
        foreach (var model in old.Values)
        {
            foreach (var loaded in model.Loaded.Values)
            {
                if (!kept.Contains(loaded))
                {
                    loaded.Retire();
                }
            }
        }

        if (announce)
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,62}$")]
    private static partial Regex ModelName();

    [LoggerMessage(1, LogLevel.Information, "Deployed {Model} version {Version} ({Sha256})")]
    private partial void LogDeployed(string model, string version, string sha256);

    [LoggerMessage(3, LogLevel.Error, "Could not reload sessions after a serving settings change")]
    private partial void LogRefreshFailed(Exception exception);

    [LoggerMessage(2, LogLevel.Error, "Could not load {Model} version {Version}; it will not be served")]
    private partial void LogLoadFailed(Exception exception, string model, string version);
}

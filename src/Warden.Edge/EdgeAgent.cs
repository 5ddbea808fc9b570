using Warden.Core.Storage.Sql;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Warden.Contracts.Edge;
using Warden.Core;
using Warden.Core.Access;
using Warden.Core.Audit;
using Warden.Contracts.V2;
using Warden.Core.Bundles;
using Warden.Core.EdgeFleet;
using Warden.Core.Inference;
using Warden.Core.Monitoring;
using Warden.Core.Pipelines;
using Warden.Core.Policies;
using Warden.Core.Predictions;
using Warden.Core.Privacy;
using Warden.Core.RateLimiting;
using Warden.Core.Registry;
using Warden.Core.Settings;
using Warden.Storage.Sqlite;
using Warden.Core.Telemetry;
using Warden.Core.Usage;

namespace Warden.Edge;

/// <summary>
/// The offline-first edge agent. It registers with the server, pulls the bundles of its channel, verifies each against
/// its trusted signers, the revocation list and its device key, and serves them locally on the Open Inference Protocol
/// through the server's own <see cref="InferenceService"/> and interceptors (usage policy and purposes, rate limits, input
/// and output policies, group thresholds, pipelines), fed with the settings documents the bundle carries and refreshed from
/// the server at every sync. Requests for models it does not hold go to the server with a timeout behind a circuit
/// breaker; every response says who answered (<c>parameters.answered_by</c>). Local predictions are logged on the device
/// and buffered as telemetry that is uploaded, idempotently, whenever the server is reachable. A bundle revoked on the
/// server stops being served at the next sync; an expired one at once. Every refused bundle is logged with its reason and
/// shown by <c>/edge/status</c>.
/// </summary>
public sealed partial class EdgeAgent : IAsyncDisposable
{
    private const int TelemetryBatchSize = 500;
    private readonly EdgeAgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ECDiffieHellman _deviceKey;
    private readonly ECDsa _signingKey;
    private readonly TrustedKeys _trusted = new();
    private readonly BundleCache _cache;
    private readonly EdgeModelSet _models = new();
    private readonly TelemetryBuffer _telemetry;
    private readonly LocalPredictionLog _predictions;
    private readonly EdgeServerClient _server;
    private readonly CircuitBreaker _breaker;
    private readonly SemaphoreSlim _syncGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly SqliteDatabase _database;
    private readonly ModelSettings _settings;
    private readonly UsageMeter _usage;
    private readonly PolicyAuditQueue _policyAudit;
    private readonly RateLimitInterceptor _rateLimits;
    private readonly PredictionRedactor _redactor;
    private readonly Dictionary<string, ApiKeyRecord> _localKeys;
    private readonly ApiKeyRecord _anonymous;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (EdgeRefusal Refusal, bool Fallback)> _expired = new(StringComparer.Ordinal);
    private volatile EdgeRefusal? _lastRefusal;
    private volatile ServerRefusal? _serverRefusal;
    private long _refusals;
    private long _telemetryAccepted;
    private long _telemetryDuplicates;
    private int _disposed;
    private readonly TaskCompletionSource _restored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TimeSpan _restoreTime;
    private TimeSpan _verifyTime;
    private TimeSpan _sessionTime;
    private InferenceService? _inference;
    private WardenMetrics? _metrics;
    private EdgeHttpServer? _http;
    private readonly EdgeMeterFactory _meterFactory = new();
    private Task? _loop;

    public EdgeAgent(EdgeAgentOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _deviceKey = EcKeys.LoadAgreementKey(options.DeviceKeyPem);
        if (!EcKeys.HasPrivateKey(_deviceKey))
        {
            throw new ArgumentException("the device key must be a private key", nameof(options));
        }

        foreach (var pem in options.TrustedSignerPems)
        {
            _trusted.AddPem(pem);
        }

        _signingKey = DeviceSignature.SigningKey(_deviceKey);
        DeviceId = options.DeviceId ?? EcKeys.KeyId(_deviceKey).Replace(':', '-');
        Directory.CreateDirectory(options.DataDir);
        _cache = new BundleCache(options.DataDir);
        _telemetry = new TelemetryBuffer(Path.Combine(options.DataDir, "telemetry"), options.TelemetryCapBytes, _time);
        _predictions = new LocalPredictionLog(Path.Combine(options.DataDir, "predictions.jsonl"));
        _server = new EdgeServerClient(options.Server, options.ApiKey, options.FallbackTimeout, _signingKey);
        _breaker = new CircuitBreaker(options.BreakerThreshold, options.BreakerCooldown, _time);

        // The device keeps its own settings versions, audit chain (policy violations) and usage counts, in the same SQLite
        // schema the server uses, so the interceptors below run unchanged.
        _database = new SqliteDatabase(Path.Combine(options.DataDir, "edge.db"));
        var audit = new AuditLog(new SqlAuditStore(_database), _time);
        _settings = new ModelSettings(new SqlSettingsStore(_database), audit, _time, BundlePolicies.Kinds);
        _usage = new UsageMeter(new SqlUsageStore(_database), _time, _models);
        _policyAudit = new PolicyAuditQueue(audit);
        _rateLimits = new RateLimitInterceptor(new InMemoryRateLimitBackend(_time), _settings, Options.Create(new RateLimitOptions()), _time);
        _redactor = new PredictionRedactor(_models, Options.Create(new PrivacyOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<PredictionRedactor>.Instance);
        _localKeys = options.LocalKeys.ToDictionary(k => k.SecretHash, StringComparer.Ordinal);
        _anonymous = new ApiKeyRecord("edge-local", "edge-local", WardenRoles.Consumer, ["*"], "", _time.GetUtcNow(), null, null);
    }

    /// <summary>This device's id on the server.</summary>
    public string DeviceId { get; }

    /// <summary>The local address the agent listens on, once started.</summary>
    public Uri? Address { get; private set; }

    /// <summary>Models served locally.</summary>
    public IReadOnlyDictionary<string, EdgeModel> Models => _models.Models;

    /// <summary>Telemetry waiting for upload.</summary>
    public TelemetryBuffer Telemetry => _telemetry;

    /// <summary>Predictions answered on the device.</summary>
    public LocalPredictionLog Predictions => _predictions;

    /// <summary>The settings documents in force on the device (from bundles and server syncs).</summary>
    public ModelSettings Settings => _settings;

    /// <summary>Awaited before the restore begins (tests hold the agent between listening and ready with it).</summary>
    internal Func<Task>? BeforeRestore { get; set; }

    /// <summary>The most recent bundle refusal, or null.</summary>
    public EdgeRefusal? LastRefusal => _lastRefusal;

    /// <summary>
    /// Restores the bundles in service from disk (no network needed), starts listening and, when
    /// <paramref name="background"/>, the sync loop. Returns once the agent is ready: every bundle in service re-verified
    /// (or refused, with its reason) and its ONNX Runtime session created. The restore runs alongside the web host's start;
    /// until it is done <c>GET /v2/health/ready</c> answers 503 and every other request but <c>/v2/health/live</c> waits
    /// for it, so nothing is answered from a half-restored device.
    /// </summary>
    public async Task StartAsync(bool background = true, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var listen = new Uri(_options.Listen.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
        if (_localKeys.Count == 0 && !listen.IsLoopback)
        {
            throw new InvalidOperationException(
                $"the agent listens on {_options.Listen}, beyond loopback, so it needs local API keys (--local-keys): nobody else may call it unauthenticated");
        }

        OnnxRuntimeWarmup.Start();
        CreateInference();
        var restore = Task.Run(() => RestoreAsync(cancellationToken), CancellationToken.None);
        TimeSpan listening;
        try
        {
            await ListenAsync(cancellationToken).ConfigureAwait(false);
            listening = Stopwatch.GetElapsedTime(started);
            await restore.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _restored.TrySetException(ex);
            if (_http is { } http)
            {
                _http = null;
                await http.DisposeAsync().ConfigureAwait(false);
            }

            if (!restore.IsCompleted)
            {
                await Task.WhenAny(restore).ConfigureAwait(false);
            }

            throw;
        }

        _restored.TrySetResult();
        LogReady(
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, Models.Count, (long)_restoreTime.TotalMilliseconds,
            (long)_verifyTime.TotalMilliseconds, (long)_sessionTime.TotalMilliseconds, (long)listening.TotalMilliseconds);
        if (background)
        {
            _loop = Task.Run(() => LoopAsync(_stopping.Token), CancellationToken.None);
        }
    }

    /// <summary>The local settings and audit queue, then the bundles in service from disk (<see cref="RestoreFromDiskAsync"/>).</summary>
    private async Task RestoreAsync(CancellationToken cancellationToken)
    {
        if (BeforeRestore is { } gate)
        {
            await gate().ConfigureAwait(false);
        }

        var started = Stopwatch.GetTimestamp();
        await _settings.LoadAsync(cancellationToken).ConfigureAwait(false);
        await _policyAudit.StartAsync(cancellationToken).ConfigureAwait(false);
        await RestoreFromDiskAsync(cancellationToken).ConfigureAwait(false);
        _restoreTime = Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// Starts listening (<see cref="EdgeHttpServer"/>: Kestrel alone, no web host, no service container, no configuration
    /// files or watchers: the agent's options come from its command line) with the agent's endpoints.
    /// </summary>
    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        _http = await EdgeHttpServer.StartAsync(_options.Listen, HandleAsync, cancellationToken).ConfigureAwait(false);
        Address = _http.Address;
        LogListening(DeviceId, Address.ToString(), _localKeys.Count);
    }

    /// <summary>The metrics and the inference service with the server's policy interceptors, built before the first request.</summary>
    private void CreateInference()
    {
        _metrics = new WardenMetrics(_meterFactory, Disabled);
        InferenceInterceptor[] interceptors =
        [
            new UsageInterceptor(_usage),
            _rateLimits,
            new UsagePolicyInterceptor(_settings, new ModelCardCache(_models), _usage, _policyAudit),
            new InputPolicyInterceptor(_settings),
            new OutputPolicyInterceptor(_settings),
            new GroupThresholdInterceptor(_settings),
            new PipelineInterceptor(_settings, _models),
        ];
        _inference = new InferenceService(_models, Disabled, _metrics, _time, interceptors);
    }

    /// <summary>
    /// Every request: requests that arrive while the bundles are still being restored wait for the restore (liveness and
    /// readiness answer at once), then <see cref="RouteAsync"/>.
    /// </summary>
    private async Task HandleAsync(HttpContext context)
    {
        if (!_restored.Task.IsCompleted && !context.Request.Path.StartsWithSegments("/v2/health", StringComparison.Ordinal))
        {
            try
            {
                await _restored.Task.WaitAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                await WriteErrorAsync(context, 503, "the agent failed to start: " + ex.Message).ConfigureAwait(false);
                return;
            }
        }

        await RouteAsync(context).ConfigureAwait(false);
    }

    /// <summary>
    /// The agent's endpoints: <c>GET /v2/health/live</c>, <c>/v2/health/ready</c>, <c>/v2</c>,
    /// <c>/v2/models/{model}[/versions/{version}][/ready]</c>, <c>/edge/status</c>; <c>POST
    /// /v2/models/{model}[/versions/{version}]/infer</c>. Another method on a known path is 405, an unknown path 404.
    /// </summary>
    private Task RouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var segments = path.Trim('/').Split('/');
        var get = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
        var post = HttpMethods.IsPost(context.Request.Method);
        if (segments.Any(s => s.Length == 0) || path.Contains("//", StringComparison.Ordinal))
        {
            return NotFound(context);
        }

        switch (segments)
        {
            case ["v2", "health", "live"]:
                return get ? Results.Json(new EdgeAnswer.LiveBody(true), EdgeAnswerJson.Default.LiveBody).ExecuteAsync(context) : NotAllowed(context, "GET");
            case ["v2", "health", "ready"]:
                return !get ? NotAllowed(context, "GET")
                    : (_restored.Task.IsCompletedSuccessfully
                        ? Results.Json(new EdgeAnswer.ReadyBody(null, null, true), EdgeAnswerJson.Default.ReadyBody)
                        : Results.Json(new EdgeAnswer.ReadyBody(null, null, false), EdgeAnswerJson.Default.ReadyBody, statusCode: 503)).ExecuteAsync(context);
            case ["v2"]:
                return get ? Authenticated(context, _ => Results.Json(new ServerMetadata { Name = "warden", Version = AgentVersion, Extensions = [] }, EdgeAnswerJson.Default.ServerMetadata)).ExecuteAsync(context) : NotAllowed(context, "GET");
            case ["v2", "models", var model]:
                return get ? Authenticated(context, _ => Metadata(model, null)).ExecuteAsync(context) : NotAllowed(context, "GET");
            case ["v2", "models", var model, "versions", var version]:
                return get ? Authenticated(context, _ => Metadata(model, version)).ExecuteAsync(context) : NotAllowed(context, "GET");
            case ["v2", "models", var model, "ready"]:
                return get ? Authenticated(context, _ => Ready(model, null)).ExecuteAsync(context) : NotAllowed(context, "GET");
            case ["v2", "models", var model, "versions", var version, "ready"]:
                return get ? Authenticated(context, _ => Ready(model, version)).ExecuteAsync(context) : NotAllowed(context, "GET");
            case ["v2", "models", var model, "infer"]:
                return post ? InferAsync(context, model, null) : NotAllowed(context, "POST");
            case ["v2", "models", var model, "versions", var version, "infer"]:
                return post ? InferAsync(context, model, version) : NotAllowed(context, "POST");
            case ["edge", "status"]:
                return get ? Authenticated(context, _ => Results.Json(Status(), EdgeAnswerJson.Default.EdgeStatus)).ExecuteAsync(context) : NotAllowed(context, "GET");
            default:
                return NotFound(context);
        }
    }

    private static Task NotFound(HttpContext context) => WriteErrorAsync(context, 404, $"no endpoint {context.Request.Path} on this device");

    private static Task NotAllowed(HttpContext context, string allowed)
    {
        context.Response.Headers.Allow = allowed;
        return WriteErrorAsync(context, 405, $"{context.Request.Method} is not allowed on {context.Request.Path}: use {allowed}");
    }

    /// <summary>One sync: register, fetch revocations and the channel's bundles, verify and switch. False when the server is unreachable.</summary>
    public async Task<bool> SyncAsync(CancellationToken cancellationToken = default)
    {
        await _syncGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _server.RegisterAsync(new DeviceRegistration { DeviceId = DeviceId, Channel = _options.Channel, KeyId = EcKeys.KeyId(_deviceKey), PublicKey = EcKeys.PublicPem(_deviceKey) }, cancellationToken).ConfigureAwait(false);
            var revocations = await _server.RevocationsAsync(cancellationToken).ConfigureAwait(false);
            _cache.WriteRevocations(revocations);
            var now = _time.GetUtcNow();
            var listed = await _server.ListAsync(_options.Channel, cancellationToken).ConfigureAwait(false);
            var wanted = listed
                .Where(b => b.RevokedAt is null && !revocations.Bundles.Contains(b.BundleId) && b.ExpiresAt > now)
                .GroupBy(b => b.Model, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.UploadedAt).ToList(), StringComparer.Ordinal);

            foreach (var (model, candidates) in wanted)
            {
                if (Models.TryGetValue(model, out var current) && current.Manifest.BundleId == candidates[0].BundleId)
                {
                    continue;
                }

                foreach (var candidate in candidates)
                {
                    if (await TryActivateAsync(candidate.BundleId, revocations, cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }
                }
            }

            // Models whose bundle was revoked, expired or withdrawn from the channel stop being served; a served bundle the
            // channel still lists is kept even when a newer one failed to verify.
            foreach (var (model, served) in Models.ToList())
            {
                if (!wanted.TryGetValue(model, out var candidates) || candidates.All(c => c.BundleId != served.Manifest.BundleId))
                {
                    _models.Remove(model);
                    _cache.Delete(served.Manifest.BundleId);
                    LogWithdrawn(model, served.Manifest.BundleId);
                }
            }

            _cache.WriteActive(Models.ToDictionary(m => m.Key, m => m.Value.Manifest.BundleId, StringComparer.Ordinal));

            // The server's current documents replace the ones packed with the bundle: a policy tightened after packing
            // reaches the device at the next sync without a new bundle.
            foreach (var model in Models.Keys)
            {
                if (await _server.PoliciesAsync(model, cancellationToken).ConfigureAwait(false) is { } current)
                {
                    await ApplySettingsAsync(model, current, "server", cancellationToken).ConfigureAwait(false);
                }
            }

            await _usage.FlushAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (EdgeServerRefusedException ex)
        {
            ServerRefused(ex);
            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            LogOffline(ex.Message);
            return false;
        }
        finally
        {
            _syncGate.Release();
        }
    }

    /// <summary>
    /// Uploads buffered telemetry until none is left; false when the server could not be reached or refused it. Refused
    /// records stay in the buffer, and the refusal is logged and shown by <c>/edge/status</c>.
    /// </summary>
    public async Task<bool> UploadTelemetryAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            while (true)
            {
                var batch = _telemetry.Peek(TelemetryBatchSize);
                if (batch.Count == 0)
                {
                    return true;
                }

                var ack = await _server.UploadTelemetryAsync(new TelemetryBatch { DeviceId = DeviceId, Epoch = _telemetry.Epoch, Records = batch }, cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _telemetryAccepted, ack.Accepted);
                Interlocked.Add(ref _telemetryDuplicates, ack.Duplicates);

                // Removed only after the server acknowledged; if the answer is lost the batch is sent again and the server
                // recognises every (device, sequence) it already stored.
                _telemetry.Remove(batch.Select(r => r.Sequence));
            }
        }
        catch (EdgeServerRefusedException ex)
        {
            ServerRefused(ex);
            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            LogOffline(ex.Message);
            return false;
        }
    }

    /// <summary>The server's most recent refusal of this device's registration or telemetry, or null.</summary>
    public ServerRefusal? LastServerRefusal => _serverRefusal;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        if (_http is not null)
        {
            await _http.DisposeAsync().ConfigureAwait(false);
        }

        await _policyAudit.StopAsync(CancellationToken.None).ConfigureAwait(false);
        _policyAudit.Dispose();
        await _usage.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        _rateLimits.Dispose();
        _redactor.Dispose();
        _metrics?.Dispose();
        _meterFactory.Dispose();
        _models.Dispose();
        _server.Dispose();
        _telemetry.Close();
        _trusted.Dispose();
        _signingKey.Dispose();
        _deviceKey.Dispose();
        _stopping.Dispose();
        _syncGate.Dispose();
    }

    private async Task<bool> TryActivateAsync(string bundleId, BundleRevocations revocations, CancellationToken cancellationToken)
    {
        var bytes = _cache.Contains(bundleId) ? _cache.Read(bundleId) : await _server.DownloadAsync(bundleId, cancellationToken).ConfigureAwait(false);
        try
        {
            var verified = new BundleVerifier(_trusted, _time).Verify(bytes, revocations, _deviceKey);
            _cache.Write(bundleId, bytes);
            await ActivateAsync(verified, applySettings: true, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (BundleVerificationException ex)
        {
            _cache.Delete(bundleId);
            Refuse(bundleId, ex);
            return false;
        }
    }

    private async Task ActivateAsync(VerifiedBundle verified, bool applySettings, CancellationToken cancellationToken)
    {
        var manifest = verified.Manifest;
        if (applySettings)
        {
            await ApplySettingsAsync(manifest.Model, verified.Policies, "bundle:" + manifest.BundleId, cancellationToken).ConfigureAwait(false);
        }

        _models.Activate(verified);
        _expired.TryRemove(manifest.Model, out _);
        LogActivated(manifest.Model, manifest.Version, manifest.BundleId, verified.Policies.Settings.Count);
    }

    /// <summary>
    /// Makes <paramref name="policies"/> the model's settings: a new local version for each document that differs, and a
    /// removal for each travelling kind the documents no longer have. Unchanged documents add nothing.
    /// </summary>
    private async Task ApplySettingsAsync(string model, BundlePolicies policies, string actor, CancellationToken cancellationToken)
    {
        foreach (var kind in BundlePolicies.Kinds)
        {
            var current = _settings.GetVersion(model, kind.Name);
            if (policies.Settings.TryGetValue(kind.Name, out var document) && document.ValueKind != JsonValueKind.Null)
            {
                var normalized = _settings.Normalize(model, kind.Name, document);
                if (current?.Json != normalized)
                {
                    await _settings.PutAsync(model, kind.Name, document, actor, cancellationToken).ConfigureAwait(false);
                    LogSettings(model, kind.Name, actor);
                }
            }
            else if (current is not null)
            {
                await _settings.RemoveAsync(model, kind.Name, actor, cancellationToken).ConfigureAwait(false);
                LogSettings(model, kind.Name + " (removed)", actor);
            }
        }
    }

    private async Task RestoreFromDiskAsync(CancellationToken cancellationToken)
    {
        var revocations = _cache.ReadRevocations();
        foreach (var (model, bundleId) in _cache.ReadActive())
        {
            if (!_cache.Contains(bundleId))
            {
                continue;
            }

            try
            {
                var verifying = Stopwatch.GetTimestamp();
                var verified = new BundleVerifier(_trusted, _time).Verify(_cache.Read(bundleId), revocations, _deviceKey);
                _verifyTime += Stopwatch.GetElapsedTime(verifying);

                // The local settings store already holds this bundle's documents, or newer ones from a sync; only a device
                // whose store was lost gets them from the bundle again, so a restart never enforces less than before.
                var known = false;
                foreach (var kind in BundlePolicies.Kinds)
                {
                    known |= (await _settings.HistoryAsync(model, kind.Name, cancellationToken).ConfigureAwait(false)).Count > 0;
                }

                var loading = Stopwatch.GetTimestamp();
                await ActivateAsync(verified, applySettings: !known, cancellationToken).ConfigureAwait(false);
                _sessionTime += Stopwatch.GetElapsedTime(loading);
            }
            catch (BundleVerificationException ex)
            {
                Refuse(bundleId, ex, model);
            }
        }
    }

    private void Refuse(string bundleId, BundleVerificationException ex, string? model = null)
    {
        model ??= ex.Manifest?.Model;
        var refusal = new EdgeRefusal(_time.GetUtcNow(), bundleId, model, ex.Failure.ToString(), ex.Message);
        _lastRefusal = refusal;
        Interlocked.Increment(ref _refusals);
        LogRefused(bundleId, model ?? "?", ex.Failure.ToString(), ex.Message);
        if (ex.Failure == BundleFailure.Expired && model is not null)
        {
            _expired[model] = (refusal, ex.Policies?.OnExpiry == BundlePolicies.ExpiryFallback);
        }
    }

    private void ServerRefused(EdgeServerRefusedException ex)
    {
        _serverRefusal = new ServerRefusal(_time.GetUtcNow(), ex.Request, ex.Status, ex.Reason);
        LogServerRefused(ex.Request, ex.Status, ex.Reason);
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await SyncAsync(cancellationToken).ConfigureAwait(false);
                await UploadTelemetryAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(_options.SyncInterval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: a stop can land in any await of the loop (a sync waiting for the one still running, an upload),
            // not only in the delay; it ends the loop, never the caller's dispose with an exception.
        }
    }

    private EdgeStatus Status() => new(
        DeviceId,
        _options.Channel,
        Models.Values.Select(m => new EdgeStatus.ServedBundle(m.Manifest.Model, m.Manifest.Version, m.Manifest.BundleId, m.Manifest.ExpiresAt)).ToList(),
        _expired.Values.Select(e => new EdgeStatus.ExpiredBundle(e.Refusal.Model, e.Refusal.BundleId, e.Refusal.Reason, e.Fallback)).ToList(),
        _lastRefusal,
        Interlocked.Read(ref _refusals),
        _telemetry.Pending,
        _telemetry.Dropped,
        new EdgeStatus.TelemetryState(
            _telemetry.Epoch, _telemetry.Pending, _telemetry.PendingBytes, _telemetry.Dropped,
            Interlocked.Read(ref _telemetryAccepted), Interlocked.Read(ref _telemetryDuplicates)),
        _serverRefusal,
        _breaker.IsOpen);

    // The server's metadata shape (name, versions, platform, inputs, outputs) for the bundle in service; the device
    // answers for the models it holds and nothing else.
    private IResult Metadata(string model, string? version)
    {
        if (Served(model, version) is not { } m)
        {
            return NotOnDevice(model, version);
        }

        var signature = VersionSignature.Parse(m.Record.SignatureJson);
        return Results.Json(new ModelMetadata
        {
            Name = model,
            Versions = [m.Manifest.Version],
            Platform = "onnxruntime_onnx",
            Inputs = signature.Inputs,
            Outputs = signature.Outputs,
            Parameters = new Dictionary<string, string>
            {
                ["version"] = m.Manifest.Version,
                ["sha256"] = m.Manifest.ModelSha256,
                ["bundle_id"] = m.Manifest.BundleId,
                ["answered_by"] = "edge",
            },
        }, EdgeAnswerJson.Default.ModelMetadata);
    }

    private IResult Ready(string model, string? version) => Served(model, version) is { } m
        ? Results.Json(new EdgeAnswer.ReadyBody(model, m.Manifest.Version, true), EdgeAnswerJson.Default.ReadyBody)
        : NotOnDevice(model, version);

    private EdgeModel? Served(string model, string? version) =>
        Models.TryGetValue(model, out var m) && (version is null || version == m.Manifest.Version) && m.Manifest.ExpiresAt > _time.GetUtcNow() ? m : null;

    private static IResult NotOnDevice(string model, string? version) => Error(
        version is null ? $"model '{model}' is not found on this device" : $"version '{version}' of model '{model}' is not found on this device", 404);

    private static IResult Error(string message, int status) => Results.Json(new EdgeAnswer.ErrorBody(message), EdgeAnswerJson.Default.ErrorBody, statusCode: status);

    private static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new EdgeAnswer.ErrorBody(message), EdgeAnswerJson.Default.ErrorBody);
    }

    private static readonly string AgentVersion =
        typeof(EdgeAgent).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0";

    private IResult Authenticated(HttpContext context, Func<ApiKeyRecord, IResult> answer) =>
        Authenticate(context) is { } key ? answer(key) : Unauthorized(context);

    /// <summary>The caller's local key; the anonymous local caller when no keys are configured; null when refused.</summary>
    private ApiKeyRecord? Authenticate(HttpContext context)
    {
        if (_localKeys.Count == 0)
        {
            return _anonymous;
        }

        var presented = context.Request.Headers.Authorization.ToString() is { } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : context.Request.Headers["X-API-Key"].ToString();
        return presented.Length > 0 && _localKeys.TryGetValue(ApiKeySecrets.Hash(presented), out var key) && key.IsActive(_time.GetUtcNow()) ? key : null;
    }

    private static IResult Unauthorized(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Error("authentication required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>' with a key of this device", 401);
    }

    private async Task InferAsync(HttpContext context, string model, string? version)
    {
        if (Authenticate(context) is not { } caller)
        {
            await Unauthorized(context).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var body = buffer.ToArray();
        if (Models.TryGetValue(model, out var served) && served.Manifest.ExpiresAt <= _time.GetUtcNow())
        {
            // Expired while in service: stop serving it now rather than at the next sync, which may never come offline.
            Refuse(served.Manifest.BundleId, new BundleVerificationException(BundleFailure.Expired, $"bundle {served.Manifest.BundleId} expired at {served.Manifest.ExpiresAt:O}"), model);
            _expired[model] = (_lastRefusal!, served.Policies.OnExpiry == BundlePolicies.ExpiryFallback);
            _models.Remove(model);
            served = null;
        }

        if (served is null && _expired.TryGetValue(model, out var expired) && !expired.Fallback)
        {
            await WriteErrorAsync(context, 503, $"model '{model}' is not served: {expired.Refusal.Reason}; the bundle says not to fall back to the server (on_expiry=stop)").ConfigureAwait(false);
            return;
        }

        if (served is not null && (version is null || served.Manifest.Version == version))
        {
            await AnswerLocallyAsync(context, served, caller, model, version, body).ConfigureAwait(false);
            return;
        }

        await AnswerFromServerAsync(context, model, version, body).ConfigureAwait(false);
    }

    private async Task AnswerLocallyAsync(HttpContext context, EdgeModel served, ApiKeyRecord caller, string model, string? version, byte[] body)
    {
        InferenceResult result;
        try
        {
            var request = InferenceRequestReader.Read(body);
            result = await _inference!.InferAsync(new InferenceCall(model, version, request, caller, context.Request.Headers["X-Warden-Purpose"].FirstOrDefault()));
        }
        catch (WardenException ex)
        {
            LogRequestRefused(model, ex.StatusCode, ex.Message);
            foreach (var (name, value) in ex.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            await WriteErrorAsync(context, ex.StatusCode, ex.Message).ConfigureAwait(false);
            return;
        }

        var bundleId = served.Manifest.BundleId;

        // Logged and buffered before the answer goes out, so a caller that has its answer can count on the record (a crash
        // between the two loses an answer nobody received, never a record of one that was).
        if (served.Policies.PredictionLog)
        {
            // The full record, as the server logs its own predictions, after the card's redaction (a feature the card says
            // to hash is dropped here: the device holds no hashing key), so the server's log, usage counts, fairness audits
            // and drift see edge traffic too.
            var record = _redactor.Apply(new PredictionRecord(
                result.Id, _time.GetUtcNow(), result.Model, result.Version, caller.Id, result.Context.Purpose,
                result.Context.Inputs ?? [], result.Outputs, result.Context.Sensitive, result.LatencyMs));
            var entry = new EdgePrediction(
                record.Time, record.Id, record.Model, record.Version, bundleId, record.LatencyMs, record.KeyId, record.Purpose,
                JsonNode.Parse(PredictionSerializer.Tensors(record.Inputs)), JsonNode.Parse(PredictionSerializer.Tensors(record.Outputs)), record.Sensitive);
            var json = JsonSerializer.SerializeToElement(entry, EdgeAnswerJson.Default.EdgePrediction);
            _predictions.Append(json);
            _telemetry.Append("prediction", json);
        }

        context.Response.StatusCode = result.Context.StatusCode;
        if (result.Context.HasResponseHeaders)
        {
            foreach (var (name, value) in result.Context.ResponseHeaders)
            {
                context.Response.Headers[name] = value;
            }
        }

        context.Response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(context.Response.Body))
        {
            InferenceResponseWriter.Write(writer, result.Model, result.Version, result.Id, result.Outputs, p =>
            {
                if (result.Context.HasResponseParameters)
                {
                    foreach (var (name, value) in result.Context.ResponseParameters)
                    {
                        p.WritePropertyName(name);
                        ResponseParameterWriter.Write(p, value);
                    }
                }

                p.WriteString("answered_by", "edge");
                p.WriteString("bundle_id", bundleId);
            });
        }
    }

    private async Task AnswerFromServerAsync(HttpContext context, string model, string? version, byte[] body)
    {
        if (!_breaker.AllowCall())
        {
            await WriteErrorAsync(context, 503, $"model '{model}' is not on this device and the server is unavailable (circuit open)").ConfigureAwait(false);
            return;
        }

        int status;
        byte[] answer;
        try
        {
            var path = $"v2/models/{Uri.EscapeDataString(model)}" + (version is null ? "" : $"/versions/{Uri.EscapeDataString(version)}") + "/infer";
            (status, answer) = await _server.InferAsync(path, body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            _breaker.Failure();
            await WriteErrorAsync(context, 503, $"model '{model}' is not on this device and the server did not answer: {ex.Message}").ConfigureAwait(false);
            return;
        }

        if (status >= 500)
        {
            _breaker.Failure();
        }
        else
        {
            _breaker.Success();
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (status is >= 200 and < 300 && JsonNode.Parse(answer) is JsonObject response)
        {
            if (response["parameters"] is not JsonObject parameters)
            {
                parameters = new JsonObject();
                response["parameters"] = parameters;
            }

            parameters["answered_by"] = "server";
            answer = System.Text.Encoding.UTF8.GetBytes(response.ToJsonString());
        }

        await context.Response.Body.WriteAsync(answer).ConfigureAwait(false);
    }

    [LoggerMessage(1, LogLevel.Information, "Serving {Model} version {Version} from bundle {BundleId} ({SettingsCount} settings documents)")]
    private partial void LogActivated(string model, string version, string bundleId, int settingsCount);

    [LoggerMessage(2, LogLevel.Warning, "Refused bundle {BundleId} of model {Model} ({Failure}): {Message}")]
    private partial void LogRefused(string bundleId, string model, string failure, string message);

    [LoggerMessage(3, LogLevel.Information, "Stopped serving {Model}: bundle {BundleId} was revoked, expired or withdrawn")]
    private partial void LogWithdrawn(string model, string bundleId);

    [LoggerMessage(4, LogLevel.Information, "Server unreachable, working offline: {Message}")]
    private partial void LogOffline(string message);

    [LoggerMessage(5, LogLevel.Information, "Edge agent {DeviceId} listening on {Address} ({LocalKeys} local keys)")]
    private partial void LogListening(string deviceId, string address, int localKeys);

    [LoggerMessage(6, LogLevel.Information, "Settings {Kind} of {Model} updated from {Source}")]
    private partial void LogSettings(string model, string kind, string source);

    [LoggerMessage(7, LogLevel.Information, "Refused a request for {Model}: {Status} {Reason}")]
    private partial void LogRequestRefused(string model, int status, string reason);

    [LoggerMessage(9, LogLevel.Information, "Ready after {ReadyMs} ms: {Models} bundles in service, restored in {RestoreMs} ms ({VerifyMs} ms verifying, {SessionMs} ms loading sessions), listening after {ListenMs} ms")]
    private partial void LogReady(long readyMs, int models, long restoreMs, long verifyMs, long sessionMs, long listenMs);

    [LoggerMessage(8, LogLevel.Warning, "The server refused {Request}: {Status} {Reason}; the data stays on the device")]
    private partial void LogServerRefused(string request, int status, string reason);

    // The device keeps its own prediction log (LocalPredictionLog) and telemetry, so the shared path's queue stays off.
    private static readonly PredictionLog Disabled = new(Options.Create(new PredictionLogOptions { Enabled = false }));
}

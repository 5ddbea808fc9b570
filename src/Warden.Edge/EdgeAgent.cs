using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Contracts.Edge;
using Warden.Core;
using Warden.Core.Bundles;
using Warden.Core.Inference;

namespace Warden.Edge;

/// <summary>
/// The offline-first edge agent. It registers with the server, pulls the bundles of its channel, verifies each against
/// its trusted signers, the revocation list and its device key, and serves them locally on the Open Inference Protocol
/// (the same reader, binder, session and writer as the server). Requests for models it does not hold go to the server
/// with a timeout behind a circuit breaker; every response says who answered (<c>parameters.answered_by</c>). Local
/// predictions are logged on the device and buffered as telemetry that is uploaded, idempotently, whenever the server
/// is reachable. A bundle revoked on the server stops being served at the next sync.
/// </summary>
public sealed partial class EdgeAgent : IAsyncDisposable
{
    private const int TelemetryBatchSize = 500;
    private readonly EdgeAgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ECDiffieHellman _deviceKey;
    private readonly TrustedKeys _trusted = new();
    private readonly BundleCache _cache;
    private readonly EdgeModelSet _models = new();
    private readonly TelemetryBuffer _telemetry;
    private readonly LocalPredictionLog _predictions;
    private readonly EdgeServerClient _server;
    private readonly CircuitBreaker _breaker;
    private readonly SemaphoreSlim _syncGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
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

        DeviceId = options.DeviceId ?? EcKeys.KeyId(_deviceKey).Replace(':', '-');
        Directory.CreateDirectory(options.DataDir);
        _cache = new BundleCache(options.DataDir);
        _telemetry = new TelemetryBuffer(Path.Combine(options.DataDir, "telemetry"), options.TelemetryCapBytes, _time);
        _predictions = new LocalPredictionLog(Path.Combine(options.DataDir, "predictions.jsonl"));
        _server = new EdgeServerClient(options.Server, options.ApiKey, options.FallbackTimeout);
        _breaker = new CircuitBreaker(options.BreakerThreshold, options.BreakerCooldown, _time);
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

    /// <summary>Restores the bundles in service from disk (no network needed), starts listening and, when <paramref name="background"/>, the sync loop.</summary>
    public async Task StartAsync(bool background = true, CancellationToken cancellationToken = default)
    {
        RestoreFromDisk();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(_options.Listen);
        builder.Logging.ClearProviders();
        _app = builder.Build();
        MapEndpoints(_app);
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address.EndsWith('/') ? address : address + "/");
        if (background)
        {
            _loop = Task.Run(() => LoopAsync(_stopping.Token), CancellationToken.None);
        }
    }

    /// <summary>One sync: register, fetch revocations and the channel's bundles, verify and switch. False when the server is unreachable.</summary>
    public async Task<bool> SyncAsync(CancellationToken cancellationToken = default)
    {
        await _syncGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _server.RegisterAsync(new DeviceRegistration { DeviceId = DeviceId, Channel = _options.Channel, KeyId = EcKeys.KeyId(_deviceKey) }, cancellationToken).ConfigureAwait(false);
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
            return true;
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

    /// <summary>Uploads buffered telemetry until none is left; false when the server could not be reached.</summary>
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

                await _server.UploadTelemetryAsync(new TelemetryBatch { DeviceId = DeviceId, Records = batch }, cancellationToken).ConfigureAwait(false);

                // Removed only after the server acknowledged; if the answer is lost the batch is sent again and the server
                // recognises every (device, sequence) it already stored.
                _telemetry.Remove(batch.Select(r => r.Sequence));
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            LogOffline(ex.Message);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _models.Dispose();
        _server.Dispose();
        _trusted.Dispose();
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
            _models.Activate(verified);
            LogActivated(verified.Manifest.Model, verified.Manifest.Version, bundleId);
            return true;
        }
        catch (BundleVerificationException ex)
        {
            _cache.Delete(bundleId);
            LogRefused(bundleId, ex.Failure.ToString(), ex.Message);
            return false;
        }
    }

    private void RestoreFromDisk()
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
                _models.Activate(new BundleVerifier(_trusted, _time).Verify(_cache.Read(bundleId), revocations, _deviceKey));
            }
            catch (BundleVerificationException ex)
            {
                LogRefused(bundleId, ex.Failure.ToString(), ex.Message);
            }
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await SyncAsync(cancellationToken).ConfigureAwait(false);
            await UploadTelemetryAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(_options.SyncInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void MapEndpoints(WebApplication app)
    {
        app.MapGet("/v2/health/live", () => Results.Json(new { live = true }));
        app.MapGet("/v2/health/ready", () => Results.Json(new { ready = true }));
        app.MapGet("/v2/models/{model}", (string model) => Models.TryGetValue(model, out var m)
            ? Results.Json(new { name = model, versions = new[] { m.Manifest.Version }, platform = "onnxruntime_onnx", parameters = new { bundle_id = m.Manifest.BundleId, answered_by = "edge" } })
            : Results.Json(new { error = $"model '{model}' is not on this device" }, statusCode: 404));
        app.MapPost("/v2/models/{model}/infer", (string model, HttpContext context) => InferAsync(context, model, null));
        app.MapPost("/v2/models/{model}/versions/{version}/infer", (string model, string version, HttpContext context) => InferAsync(context, model, version));
        app.MapGet("/edge/status", () => Results.Json(new
        {
            device_id = DeviceId,
            channel = _options.Channel,
            models = Models.Values.Select(m => new { model = m.Manifest.Model, version = m.Manifest.Version, bundle_id = m.Manifest.BundleId, expires_at = m.Manifest.ExpiresAt }),
            telemetry_pending = _telemetry.Pending,
            telemetry_dropped = _telemetry.Dropped,
            server_breaker_open = _breaker.IsOpen,
        }));
    }

    private async Task InferAsync(HttpContext context, string model, string? version)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var body = buffer.ToArray();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (!Models.TryGetValue(model, out var served) || (version is not null && served.Manifest.Version != version))
            {
                break;
            }

            if (!served.Loaded.TryAcquire())
            {
                continue; // swapped for a newer bundle between lookup and acquire: read the new snapshot
            }

            try
            {
                await AnswerLocallyAsync(context, served, body).ConfigureAwait(false);
                return;
            }
            finally
            {
                served.Loaded.Release();
            }
        }

        await AnswerFromServerAsync(context, model, version, body).ConfigureAwait(false);
    }

    private async Task AnswerLocallyAsync(HttpContext context, EdgeModel served, byte[] body)
    {
        var started = Stopwatch.GetTimestamp();
        NamedTensorOutputs outputs;
        string id;
        try
        {
            using var request = InferenceRequestReader.Read(body);
            var inputs = InputBinder.Bind(served.Manifest.Model, served.Loaded.Signature, request.Inputs);
            outputs = new NamedTensorOutputs(served.Loaded.Run(inputs, request.RequestedOutputs));
            id = request.Id ?? Guid.NewGuid().ToString("N");
        }
        catch (WardenException ex)
        {
            context.Response.StatusCode = ex.StatusCode;
            await context.Response.WriteAsJsonAsync(new { error = ex.Message }).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(context.Response.Body))
        {
            InferenceResponseWriter.Write(writer, served.Manifest.Model, served.Manifest.Version, id, outputs.Tensors, p =>
            {
                p.WriteString("answered_by", "edge");
                p.WriteString("bundle_id", served.Manifest.BundleId);
            });
        }

        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var entry = new { time = _time.GetUtcNow(), id, model = served.Manifest.Model, version = served.Manifest.Version, bundle_id = served.Manifest.BundleId, latency_ms = latency };
        _predictions.Append(entry);
        _telemetry.Append("prediction", entry);
    }

    private async Task AnswerFromServerAsync(HttpContext context, string model, string? version, byte[] body)
    {
        if (!_breaker.AllowCall())
        {
            context.Response.StatusCode = 503;
            await context.Response.WriteAsJsonAsync(new { error = $"model '{model}' is not on this device and the server is unavailable (circuit open)" }).ConfigureAwait(false);
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
            context.Response.StatusCode = 503;
            await context.Response.WriteAsJsonAsync(new { error = $"model '{model}' is not on this device and the server did not answer: {ex.Message}" }).ConfigureAwait(false);
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
            answer = JsonSerializer.SerializeToUtf8Bytes(response);
        }

        await context.Response.Body.WriteAsync(answer).ConfigureAwait(false);
    }

    [LoggerMessage(1, LogLevel.Information, "Serving {Model} version {Version} from bundle {BundleId}")]
    private partial void LogActivated(string model, string version, string bundleId);

    [LoggerMessage(2, LogLevel.Warning, "Refused bundle {BundleId} ({Failure}): {Message}")]
    private partial void LogRefused(string bundleId, string failure, string message);

    [LoggerMessage(3, LogLevel.Information, "Stopped serving {Model}: bundle {BundleId} was revoked, expired or withdrawn")]
    private partial void LogWithdrawn(string model, string bundleId);

    [LoggerMessage(4, LogLevel.Information, "Server unreachable, working offline: {Message}")]
    private partial void LogOffline(string message);

    private sealed record NamedTensorOutputs(Warden.Core.Tensors.NamedTensor[] Tensors);
}

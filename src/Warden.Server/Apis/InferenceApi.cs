using System.Text.Json;
using Microsoft.Extensions.Options;
using Warden.Contracts.V2;
using Warden.Core;
using Warden.Core.Access;
using Warden.Core.Inference;
using Warden.Core.Predictions;
using Warden.Core.Registry;
using Warden.Core.Telemetry;
using Warden.Core.Tensors;
using Warden.Server.ApiContract;
using Warden.Server.Auth;
using Warden.Server.Http;

namespace Warden.Server.Apis;

/// <summary>The Open Inference Protocol (KServe V2) REST endpoints.</summary>
public static class InferenceApi
{
    /// <summary>Server version reported by <c>GET /v2</c>.</summary>
    public static readonly string ServerVersion = typeof(InferenceApi).Assembly.GetName().Version?.ToString(3) ?? "0.1.0";

    /// <summary>Protocol extensions reported by server metadata, over REST and gRPC alike.</summary>
    internal static readonly string[] Extensions = ["binary_tensor_data", "warden_purpose", "warden_sensitive_attributes", "warden_model_cards"];

    /// <summary>Extensions served over REST only (Triton's repository and statistics APIs have no gRPC counterpart here yet).</summary>
    internal static readonly string[] RestExtensions = [.. Extensions, "model_repository", "model_repository(unload_dependents)", "statistics"];

    public static IEndpointRouteBuilder MapInferenceApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v2/health/live", () => Results.Ok(new { live = true })).AllowAnonymous().WithTags("health")
            .WithName("GetServerLive").WithSummary("Liveness probe: the process answers");
        app.MapGet("/v2/health/ready", (ModelRegistry registry, PredictionLog log) =>
            !registry.IsReady ? Results.Json(new ErrorResponse { Error = "server is starting" }, statusCode: 400)
            : log.DurabilityProblem is { } problem ? Results.Json(new ErrorResponse { Error = problem }, statusCode: 400)
            : Results.Ok(new { ready = true }))
            .AllowAnonymous().WithTags("health")
            .WithName("GetServerReady").Produces(StatusCodes.Status200OK).Produces<ErrorResponse>(StatusCodes.Status400BadRequest)
            .WithSummary("Readiness probe: the model registry is loaded and the prediction log can make records durable");

        var v2 = app.MapGroup("/v2").WithTags("inference");
        v2.MapGet("", () => new ServerMetadata
        {
            Name = "warden",
            Version = ServerVersion,
            Extensions = [.. RestExtensions],
        }).RequireAuthorization(WardenPolicies.Read)
            .WithName("GetServerMetadata").WithSummary("Server name, version and protocol extensions");

        v2.MapGet("/models/{model}", (string model, HttpContext context, ModelRegistry registry) => Metadata(context, registry, model, null))
            .RequireAuthorization(WardenPolicies.Read)
            .WithName("GetModelMetadata").Produces<ModelMetadata>().WithSummary("Inputs, outputs and versions of a model");
        v2.MapGet("/models/{model}/versions/{version}", (string model, string version, HttpContext context, ModelRegistry registry) => Metadata(context, registry, model, version))
            .RequireAuthorization(WardenPolicies.Read)
            .WithName("GetModelVersionMetadata").Produces<ModelMetadata>().WithSummary("Inputs and outputs of one model version");
        v2.MapGet("/models/{model}/ready", (string model, HttpContext context, ModelRegistry registry) => Ready(context, registry, model, null))
            .RequireAuthorization(WardenPolicies.Read)
            .WithName("GetModelReady").WithSummary("Whether the model's serving version can answer");
        v2.MapGet("/models/{model}/versions/{version}/ready", (string model, string version, HttpContext context, ModelRegistry registry) => Ready(context, registry, model, version))
            .RequireAuthorization(WardenPolicies.Read)
            .WithName("GetModelVersionReady").WithSummary("Whether one model version can answer");
        v2.MapPost("/models/{model}/infer", (string model, HttpContext context) => InferAsync(context, model, null))
            .RequireAuthorization(WardenPolicies.Infer).Produces<InferenceResponse>()
            .WithName("Infer").AddOpenApiOperationTransformer(RequestBodies.Inference).WithSummary("Run an inference on the model's serving version (Open Inference Protocol)");
        v2.MapPost("/models/{model}/versions/{version}/infer", (string model, string version, HttpContext context) => InferAsync(context, model, version))
            .RequireAuthorization(WardenPolicies.Infer).Produces<InferenceResponse>()
            .WithName("InferVersion").AddOpenApiOperationTransformer(RequestBodies.Inference).WithSummary("Run an inference on one model version (Open Inference Protocol)");
        return app;
    }

    private static async Task InferAsync(HttpContext context, string model, string? version)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<WardenOptions>>().Value;
        var metrics = services.GetRequiredService<WardenMetrics>();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var status = StatusCodes.Status200OK;
        var served = version ?? "";
        try
        {
            var (buffer, length) = await RequestBody.ReadAsync(context.Request, options.MaxRequestBodyBytes);
            InferenceResult result;
            Dictionary<string, byte[]>? binary = null;
            try
            {
                var request = InferenceRequestReader.Read(buffer.AsMemory(0, length), BinaryHeaderLength(context.Request));
                var call = new InferenceCall(model, version, request, context.RequireApiKey(), Purpose(context.Request));
                result = await services.GetRequiredService<InferenceService>().InferAsync(call);
                foreach (var output in result.Outputs)
                {
                    if (request.WantsBinary(output.Name))
                    {
                        (binary ??= new Dictionary<string, byte[]>(StringComparer.Ordinal))[output.Name] = TensorBytes.Encode(output);
                    }
                }
            }
            finally
            {
                RequestBody.Return(buffer);
            }

            served = result.Version;

            // Acknowledged durability: nothing is sent before the record is committed.
            await services.GetRequiredService<PredictionLog>().WaitForCommitAsync(result.Committed, context.RequestAborted);
            status = result.Context.StatusCode;
            context.Response.StatusCode = status;
            if (result.Context.HasResponseHeaders)
            {
                foreach (var (name, value) in result.Context.ResponseHeaders)
                {
                    context.Response.Headers[name] = value;
                }
            }

            if (binary is not null)
            {
                await WriteBinaryAsync(context, result, binary);
                return;
            }

            context.Response.ContentType = "application/json";
            WriteJson(context.Response.BodyWriter, result);
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        }
        catch (WardenException ex)
        {
            status = ex.StatusCode;
            throw;
        }
        finally
        {
            var registry = services.GetRequiredService<ModelRegistry>();
            metrics.RecordRequest(registry.Label(model), registry.VersionLabel(model, served), status, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    // One JSON writer per thread, pointed at each response's body in turn: writing is synchronous, so a writer serves one
    // response at a time, and a new one per response was a measurable part of a small model's allocations.
    [ThreadStatic]
    private static Utf8JsonWriter? t_responseWriter;

    // What a writer at rest points at, so that it holds no response's pipe.
    private static readonly System.Buffers.ArrayBufferWriter<byte> NoOutput = new(1);

    private static void WriteJson(System.IO.Pipelines.PipeWriter body, InferenceResult result)
    {
        var writer = t_responseWriter ??= new Utf8JsonWriter(NoOutput);
        writer.Reset(body);
        try
        {
            InferenceResponseWriter.Write(writer, result.Model, result.Version, result.Id, result.Outputs,
                result.Context.HasResponseParameters ? w => WriteParameters(w, result.Context.ResponseParameters) : null);
            writer.Flush();
        }
        finally
        {
            writer.Reset(NoOutput);
        }
    }

    // The first X-Warden-Purpose value, if any (indexed: LINQ over the header's values would box them per request).
    private static string? Purpose(HttpRequest request) =>
        request.Headers["X-Warden-Purpose"] is { Count: > 0 } values ? values[0] : null;

    /// <summary>Header of the binary tensor data extension: the length of the JSON part of a body that carries binary data.</summary>
    internal const string BinaryHeaderName = "Inference-Header-Content-Length";

    private static long? BinaryHeaderLength(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(BinaryHeaderName, out var values))
        {
            return null;
        }

        return long.TryParse(values.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
            ? length
            : throw WardenException.BadRequest($"{BinaryHeaderName} must be a non-negative integer, got '{values}'");
    }

    // The JSON part goes first and its length in the header, then each binary output's bytes in output order.
    private static async Task WriteBinaryAsync(HttpContext context, InferenceResult result, Dictionary<string, byte[]> binary)
    {
        var json = new System.Buffers.ArrayBufferWriter<byte>();
        await using (var writer = new Utf8JsonWriter(json))
        {
            InferenceResponseWriter.Write(writer, result.Model, result.Version, result.Id, result.Outputs,
                result.Context.HasResponseParameters ? w => WriteParameters(w, result.Context.ResponseParameters) : null, binary);
        }

        context.Response.ContentType = "application/octet-stream";
        context.Response.Headers[BinaryHeaderName] = json.WrittenCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentLength = json.WrittenCount + binary.Values.Sum(b => (long)b.Length);
        await context.Response.Body.WriteAsync(json.WrittenMemory, context.RequestAborted);
        foreach (var output in result.Outputs)
        {
            if (binary.TryGetValue(output.Name, out var bytes))
            {
                await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            }
        }
    }

    private static void WriteParameters(Utf8JsonWriter writer, Dictionary<string, object?> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            writer.WritePropertyName(name);
            JsonSerializer.Serialize(writer, value);
        }
    }

    private static IResult Metadata(HttpContext context, ModelRegistry registry, string model, string? version) =>
        Results.Ok(Describe(context.RequireApiKey(), registry, model, version));

    /// <summary>Metadata of a model the key may see (404 otherwise, as for a missing model).</summary>
    internal static ModelMetadata Describe(ApiKeyRecord key, ModelRegistry registry, string model, string? version)
    {
        var registered = Visible(key, registry, model);
        var record = Pick(registered, version);
        var signature = VersionSignature.Parse(record.SignatureJson);
        return new ModelMetadata
        {
            Name = model,
            Versions = registered.Versions.Where(v => v.Stage != ModelStages.Archived).Select(v => v.Version).ToList(),
            Platform = record.Kind == ModelKinds.Pipeline ? "warden_pipeline" : "onnxruntime_onnx",
            Inputs = signature.Inputs,
            Outputs = signature.Outputs,
            Parameters = new Dictionary<string, string>
            {
                ["version"] = record.Version,
                ["stage"] = record.Stage,
                ["sha256"] = record.Sha256,
                ["kind"] = record.Kind,
            },
        };
    }

    private static IResult Ready(HttpContext context, ModelRegistry registry, string model, string? version)
    {
        var (record, ready) = Readiness(context.RequireApiKey(), registry, model, version);
        return ready
            ? Results.Ok(new { name = model, version = record.Version, ready = true })
            : Results.Json(new ErrorResponse { Error = $"version '{record.Version}' of model '{model}' is {record.Stage} and not loaded" }, statusCode: 400);
    }

    /// <summary>The version that would answer and whether it can (404 when the key may not see the model).</summary>
    internal static (ModelVersionRecord Record, bool Ready) Readiness(ApiKeyRecord key, ModelRegistry registry, string model, string? version)
    {
        var registered = Visible(key, registry, model);
        var record = Pick(registered, version);
        return (record, registered.IsServable(record.Version));
    }

    private static RegisteredModel Visible(ApiKeyRecord key, ModelRegistry registry, string model)
    {
        if (!key.CanUseModel(model) || !registry.Models.TryGetValue(model, out var registered))
        {
            throw WardenException.NotFound($"model '{model}' is not found");
        }

        return registered;
    }

    private static ModelVersionRecord Pick(RegisteredModel registered, string? version)
    {
        if (version is not null)
        {
            return registered.FindVersion(version) ?? throw WardenException.NotFound($"version '{version}' of model '{registered.Name}' is not found");
        }

        return (registered.ProductionVersion is { } production ? registered.FindVersion(production) : null)
            ?? registered.Versions.LastOrDefault(v => v.Stage != ModelStages.Archived)
            ?? registered.Versions[^1];
    }
}

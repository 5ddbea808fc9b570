using System.Diagnostics;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Warden.Contracts.Grpc;
using Warden.Core;
using Warden.Core.Inference;
using Warden.Core.Predictions;
using Warden.Core.Registry;
using Warden.Core.Telemetry;
using Warden.Server.Apis;
using Warden.Server.Auth;
using Warden.Server.Http;

namespace Warden.Server.Grpc;

/// <summary>
/// The Open Inference Protocol's gRPC service. It is a second transport over the same inference path as REST: the same
/// keys, roles and scopes (bearer key in the <c>authorization</c> metadata), the same interceptors and prediction log.
/// </summary>
internal sealed class InferenceGrpcService(InferenceService inference, ModelRegistry registry, PredictionLog log, WardenMetrics metrics)
    : GRPCInferenceService.GRPCInferenceServiceBase
{
    [AllowAnonymous]
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    [AllowAnonymous]
    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = registry.IsReady && log.DurabilityProblem is null });

    [Authorize(Policy = WardenPolicies.Read)]
    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse { Name = "warden", Version = InferenceApi.ServerVersion, Extensions = { InferenceApi.Extensions } });

    [Authorize(Policy = WardenPolicies.Read)]
    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) => Answer(context, () =>
    {
        var (_, ready) = InferenceApi.Readiness(context.GetHttpContext().RequireApiKey(), registry, RequireName(request.Name), Optional(request.Version));
        return new ModelReadyResponse { Ready = ready };
    });

    [Authorize(Policy = WardenPolicies.Read)]
    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context) => Answer(context, () =>
    {
        var metadata = InferenceApi.Describe(context.GetHttpContext().RequireApiKey(), registry, RequireName(request.Name), Optional(request.Version));
        var response = new ModelMetadataResponse { Name = metadata.Name, Platform = metadata.Platform, Versions = { metadata.Versions } };
        foreach (var (specs, target) in new[] { (metadata.Inputs, response.Inputs), (metadata.Outputs, response.Outputs) })
        {
            foreach (var spec in specs)
            {
                target.Add(new ModelMetadataResponse.Types.TensorMetadata { Name = spec.Name, Datatype = spec.Datatype, Shape = { spec.Shape } });
            }
        }

        return response;
    });

    [Authorize(Policy = WardenPolicies.Infer)]
    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCodes.Status200OK;
        var served = request.ModelVersion;
        var http = context.GetHttpContext();
        try
        {
            var raw = GrpcTensors.ToRawRequest(request);
            var call = new InferenceCall(RequireName(request.ModelName), Optional(request.ModelVersion), raw, http.RequireApiKey(),
                http.Request.Headers["x-warden-purpose"].FirstOrDefault());
            var result = await inference.InferAsync(call);

            served = result.Version;

            // Acknowledged durability, as over REST: nothing is answered before the record is committed.
            await log.WaitForCommitAsync(result.Committed, context.CancellationToken);
            status = result.Context.StatusCode;
            if (result.Context.HasResponseHeaders)
            {
                foreach (var (name, value) in result.Context.ResponseHeaders)
                {
                    http.Response.Headers[name.ToLowerInvariant()] = value;
                }
            }

            return GrpcTensors.ToResponse(result, raw: request.RawInputContents.Count > 0);
        }
        catch (WardenException ex)
        {
            status = ex.StatusCode;
            throw Refusal(http, ex);
        }
        finally
        {
            metrics.RecordRequest(request.ModelName, served, status, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    [Authorize(Policy = WardenPolicies.Read)]
    public override Task<ModelStatisticsResponse> ModelStatistics(ModelStatisticsRequest request, ServerCallContext context) => Answer(context, () =>
    {
        var statistics = StatisticsApi.For(context.GetHttpContext().RequireApiKey(), registry, Optional(request.Name), Optional(request.Version));
        var response = new ModelStatisticsResponse();
        foreach (var entry in statistics.ModelStats)
        {
            var model = new ModelStatistics
            {
                Name = entry.Name,
                Version = entry.Version,
                LastInference = (ulong)Math.Max(0, entry.LastInference),
                InferenceCount = (ulong)Math.Max(0, entry.InferenceCount),
                ExecutionCount = (ulong)Math.Max(0, entry.ExecutionCount),
            };
            if (entry.InferenceStats is { } stats)
            {
                model.InferenceStats = new InferStatistics
                {
                    Success = Duration(stats.Success),
                    Fail = Duration(stats.Fail),
                    Queue = Duration(stats.Queue),
                    ComputeInput = Duration(stats.ComputeInput),
                    ComputeInfer = Duration(stats.ComputeInfer),
                    ComputeOutput = Duration(stats.ComputeOutput),
                    CacheHit = new StatisticDuration(),
                    CacheMiss = new StatisticDuration(),
                };
            }

            foreach (var batch in entry.BatchStats ?? [])
            {
                model.BatchStats.Add(new InferBatchStatistics
                {
                    BatchSize = (ulong)Math.Max(0, batch.BatchSize),
                    ComputeInput = Duration(batch.ComputeInput),
                    ComputeInfer = Duration(batch.ComputeInfer),
                    ComputeOutput = Duration(batch.ComputeOutput),
                });
            }

            response.ModelStats.Add(model);
        }

        return response;
    });

    [Authorize(Policy = WardenPolicies.Read)]
    public override Task<RepositoryIndexResponse> RepositoryIndex(RepositoryIndexRequest request, ServerCallContext context) => Answer(context, () =>
    {
        var response = new RepositoryIndexResponse();
        foreach (var entry in RepositoryApi.Index(context.GetHttpContext().RequireApiKey(), registry, request.Ready))
        {
            response.Models.Add(new RepositoryIndexResponse.Types.ModelIndex { Name = entry.Name, Version = entry.Version, State = entry.State, Reason = entry.Reason ?? "" });
        }

        return response;
    });

    [Authorize(Policy = WardenPolicies.Deploy)]
    public override async Task<RepositoryModelLoadResponse> RepositoryModelLoad(RepositoryModelLoadRequest request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        try
        {
            var model = RequireName(request.ModelName);
            RepositoryApi.RefuseLoadParameters(model, request.Parameters.Keys);
            await registry.LoadAsync(model, http.RequireApiKey().Id, context.CancellationToken);
            return new RepositoryModelLoadResponse();
        }
        catch (WardenException ex)
        {
            throw Refusal(http, ex);
        }
    }

    [Authorize(Policy = WardenPolicies.Deploy)]
    public override async Task<RepositoryModelUnloadResponse> RepositoryModelUnload(RepositoryModelUnloadRequest request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        try
        {
            var model = RequireName(request.ModelName);
            var dependents = false;
            foreach (var (name, value) in request.Parameters)
            {
                RepositoryApi.RequireUnloadParameter(name);
                dependents = value.ParameterChoiceCase == ModelRepositoryParameter.ParameterChoiceOneofCase.BoolParam
                    ? value.BoolParam
                    : throw WardenException.BadRequest($"unload parameter 'unload_dependents' must be a bool_param, got {value.ParameterChoiceCase}");
            }

            await registry.UnloadAsync(model, http.RequireApiKey().Id, dependents, context.CancellationToken);
            return new RepositoryModelUnloadResponse();
        }
        catch (WardenException ex)
        {
            throw Refusal(http, ex);
        }
    }

    private static StatisticDuration Duration(Contracts.Triton.StatisticDurationDto? duration) =>
        new() { Count = (ulong)Math.Max(0, duration?.Count ?? 0), Ns = (ulong)Math.Max(0, duration?.Ns ?? 0) };

    // Refusals keep their meaning across transports: the HTTP status becomes the matching gRPC status, and headers such as
    // Retry-After go out as metadata.
    private static Task<T> Answer<T>(ServerCallContext context, Func<T> answer)
    {
        try
        {
            return Task.FromResult(answer());
        }
        catch (WardenException ex)
        {
            throw Refusal(context.GetHttpContext(), ex);
        }
    }

    private static RpcException Refusal(HttpContext http, WardenException ex)
    {
        if (ex.Headers is not null)
        {
            foreach (var (name, value) in ex.Headers)
            {
                http.Response.Headers[name.ToLowerInvariant()] = value;
            }
        }

        if (ex.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            http.Response.Headers.RetryAfter = "1";
        }

        return new RpcException(new Status(GrpcStatuses.FromHttp(ex.StatusCode), ex.Message));
    }

    private static string RequireName(string name) =>
        string.IsNullOrEmpty(name) ? throw WardenException.BadRequest("the model name is required") : name;

    private static string? Optional(string value) => string.IsNullOrEmpty(value) ? null : value;
}

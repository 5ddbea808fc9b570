using Warden.Contracts.Triton;
using Warden.Core;
using Warden.Core.Access;
using Warden.Core.Registry;
using Warden.Core.Serving;
using Warden.Server.Auth;
using Warden.Server.Http;

namespace Warden.Server.Apis;

/// <summary>Triton's statistics extension: cumulative per-version request, queue and execution figures since start.</summary>
public static class StatisticsApi
{
    public static IEndpointRouteBuilder MapStatisticsApi(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2/models").WithTags("inference");
        v2.MapGet("/stats", (HttpContext context, ModelRegistry registry) => For(context.RequireApiKey(), registry, null, null))
            .RequireAuthorization(WardenPolicies.Read).Produces<ModelStatisticsResponse>()
            .WithName("GetAllModelStatistics").WithSummary("Inference statistics of every model");
        v2.MapGet("/{model}/stats", (string model, HttpContext context, ModelRegistry registry) => For(context.RequireApiKey(), registry, model, null))
            .RequireAuthorization(WardenPolicies.Read).Produces<ModelStatisticsResponse>()
            .WithName("GetModelStatistics").WithSummary("Inference statistics of one model");
        v2.MapGet("/{model}/versions/{version}/stats", (string model, string version, HttpContext context, ModelRegistry registry) =>
            For(context.RequireApiKey(), registry, model, version))
            .RequireAuthorization(WardenPolicies.Read).Produces<ModelStatisticsResponse>()
            .WithName("GetModelVersionStatistics").WithSummary("Inference statistics of one model version");
        return app;
    }

    /// <summary>
    /// The statistics <paramref name="key"/> may see: of every model it can use (no <paramref name="model"/>), of one model,
    /// or of one version. Shared by REST and gRPC.
    /// </summary>
    internal static ModelStatisticsResponse For(ApiKeyRecord key, ModelRegistry registry, string? model, string? version)
    {
        if (model is null)
        {
            return Respond(registry, registry.Models.Values.Where(m => key.CanUseModel(m.Name)).OrderBy(m => m.Name, StringComparer.Ordinal), null);
        }

        var registered = Visible(key, registry, model);
        if (version is not null)
        {
            _ = registered.FindVersion(version) ?? throw WardenException.NotFound($"version '{version}' of model '{model}' is not found");
        }

        return Respond(registry, [registered], version);
    }

    private static ModelStatisticsResponse Respond(ModelRegistry registry, IEnumerable<RegisteredModel> models, string? version)
    {
        var response = new ModelStatisticsResponse();
        foreach (var model in models)
        {
            // Every version that serves now or has served since start; a named version is reported even with no activity.
            foreach (var record in model.Versions.Where(v => version is null ? model.IsServable(v.Version) || registry.Statistics.Find(model.Name, v.Version) is not null : v.Version == version))
            {
                response.ModelStats.Add(ToEntry(model.Name, record.Version, registry.Statistics.Find(model.Name, record.Version)));
            }
        }

        return response;
    }

    private static ModelStatisticsEntry ToEntry(string model, string version, VersionStatistics? statistics)
    {
        var entry = new ModelStatisticsEntry { Name = model, Version = version };
        if (statistics is null)
        {
            return entry;
        }

        entry.LastInference = statistics.LastInference;
        entry.InferenceCount = statistics.InferenceCount;
        entry.ExecutionCount = statistics.ExecutionCount;
        entry.InferenceStats = new InferStatistics
        {
            Success = Dto(statistics.Success),
            Fail = Dto(statistics.Fail),
            Queue = Dto(statistics.Queue),
            ComputeInput = Dto(statistics.ComputeInput),
            ComputeInfer = Dto(statistics.ComputeInfer),
            ComputeOutput = Dto(statistics.ComputeOutput),
        };
        entry.BatchStats = statistics.Batches.Select(b => new InferBatchStatistics
        {
            BatchSize = b.BatchSize,
            ComputeInput = Dto(b.ComputeInput),
            ComputeInfer = Dto(b.ComputeInfer),
            ComputeOutput = Dto(b.ComputeOutput),
        }).ToList();
        return entry;
    }

    private static StatisticDurationDto Dto(StatisticDuration duration) => new() { Count = duration.Count, Ns = duration.Nanoseconds };

    private static RegisteredModel Visible(ApiKeyRecord key, ModelRegistry registry, string model) =>
        key.CanUseModel(model) && registry.Models.TryGetValue(model, out var registered)
            ? registered
            : throw WardenException.NotFound($"model '{model}' is not found");
}

using Warden.Contracts.Monitoring;
using Warden.Core;
using Warden.Core.Access;
using Warden.Core.Registry;
using Warden.Core.Retraining;
using Warden.Server.Auth;
using Warden.Server.Http;

namespace Warden.Server.Apis;

/// <summary>Retraining jobs: start (<c>POST /api/models/{model}/retrain</c>), list, show with logs, cancel.</summary>
public static class RetrainingApi
{
    public static IEndpointRouteBuilder MapRetrainingApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/models/{model}/retrain", async (string model, HttpContext context, RetrainingService retraining) =>
        {
            var key = MonitoringApi.RequireModel(context, model);
            var body = await ModelsApi.ReadOptionalJsonAsync<RetrainRequest>(context) ?? new RetrainRequest();
            var job = await retraining.StartAsync(model, body.TrainingData, key.Id, context.RequestAborted, body.FeedbackWeight);
            return Results.Accepted($"/api/retraining/jobs/{job.Id}", job);
        }).WithTags("retraining").RequireAuthorization(WardenPolicies.Deploy).Produces<RetrainJob>(StatusCodes.Status202Accepted)
            .WithName("StartRetraining").Accepts<RetrainRequest>(isOptional: true, "application/json").WithSummary("Start a retraining job for a model");

        var jobs = app.MapGroup("/api/retraining/jobs").WithTags("retraining");
        jobs.MapGet("", async (string? model, int? limit, HttpContext context, RetrainingService retraining, ModelRegistry registry) =>
        {
            var key = context.RequireApiKey();
            if (model is not null && (!registry.Models.ContainsKey(model) || !key.CanUseModel(model)))
            {
                throw WardenException.NotFound($"model '{model}' is not found");
            }

            var list = await retraining.ListAsync(model, 1000, context.RequestAborted);
            return list.Where(j => key.CanUseModel(j.Model)).Take(Math.Clamp(limit ?? 100, 1, 1000)).ToList();
        }).RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Auditor, WardenRoles.Deployer))
            .WithName("ListRetrainingJobs").WithSummary("List retraining jobs");
        jobs.MapGet("/{id:long}", async (long id, HttpContext context, RetrainingService retraining) =>
        {
            var job = await VisibleAsync(id, context, retraining);
            var logs = await retraining.LogsAsync(id, context.RequestAborted);
            return new { job, logs = logs.Select(l => new { time = l.Time, message = l.Message }).ToList() };
        }).RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Auditor, WardenRoles.Deployer))
            .WithName("GetRetrainingJob").WithSummary("A retraining job and its log");
        jobs.MapPost("/{id:long}/cancel", async (long id, HttpContext context, RetrainingService retraining) =>
        {
            await VisibleAsync(id, context, retraining);
            return await retraining.CancelAsync(id, context.RequireApiKey().Id, context.RequestAborted);
        }).RequireAuthorization(WardenPolicies.Deploy)
            .WithName("CancelRetrainingJob").WithSummary("Cancel a queued or running retraining job");
        return app;
    }

    private static async Task<RetrainJob> VisibleAsync(long id, HttpContext context, RetrainingService retraining)
    {
        var job = await retraining.GetAsync(id, context.RequestAborted);
        return context.RequireApiKey().CanUseModel(job.Model) ? job : throw WardenException.NotFound($"retraining job {id} is not found");
    }
}

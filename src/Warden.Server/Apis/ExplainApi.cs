using Microsoft.Extensions.Options;
using Warden.Contracts.Context;
using Warden.Core;
using Warden.Core.Explanations;
using Warden.Core.Access;
using Warden.Core.Inference;
using Warden.Core.Registry;
using Warden.Server.Auth;
using Warden.Server.Http;

namespace Warden.Server.Apis;

/// <summary>
/// <c>POST /v2/models/{model}[/versions/{version}]/explain</c>: the body of an inference request with one row; the answer
/// is the per-feature Shapley attributions of the score output against the version's background sample. With
/// <c>?async=true</c> the request is checked, queued and answered 202 with a job to poll at <c>GET /api/explanations/{id}</c>.
/// </summary>
public static class ExplainApi
{
    public static IEndpointRouteBuilder MapExplainApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v2/models/{model}/explain", (string model, HttpContext context) => ExplainAsync(context, model, null))
            .RequireAuthorization(WardenPolicies.Infer).WithTags("explanations").Produces<ExplanationResponse>().Produces<ExplanationJobInfo>(StatusCodes.Status202Accepted);
        app.MapPost("/v2/models/{model}/versions/{version}/explain", (string model, string version, HttpContext context) => ExplainAsync(context, model, version))
            .RequireAuthorization(WardenPolicies.Infer).WithTags("explanations").Produces<ExplanationResponse>().Produces<ExplanationJobInfo>(StatusCodes.Status202Accepted);
        app.MapGet("/api/explanations/{id}", (string id, HttpContext context, ExplanationJobQueue jobs) =>
        {
            var key = context.RequireApiKey();
            var job = jobs.Find(id);
            return job is null || (job.OwnerKeyId != key.Id && key.Role != WardenRoles.Admin)
                ? throw WardenException.NotFound($"explanation job '{id}' is not found (jobs are kept for an hour after they end)")
                : Results.Ok(job.ToInfo());
        }).RequireAuthorization(WardenPolicies.Infer).WithTags("explanations").Produces<ExplanationJobInfo>();
        return app;
    }

    private static async Task<IResult> ExplainAsync(HttpContext context, string model, string? version)
    {
        var services = context.RequestServices;
        if (!context.RequireApiKey().CanUseModel(model))
        {
            throw WardenException.NotFound($"model '{model}' is not found");
        }

        var options = services.GetRequiredService<IOptions<WardenOptions>>().Value;
        var (buffer, length) = await RequestBody.ReadAsync(context.Request, options.MaxRequestBodyBytes);
        try
        {
            if (IsAsync(context.Request))
            {
                return Submit(context, services, model, version, buffer.AsMemory(0, length));
            }

            using var request = InferenceRequestReader.Read(buffer.AsMemory(0, length));
            var result = await services.GetRequiredService<ExplanationService>().ExplainAsync(
                model, version, signature => InputBinder.Bind(model, signature, request.Inputs), context.RequestAborted);
            return Results.Ok(ExplanationContract.ToResponse(result));
        }
        finally
        {
            RequestBody.Return(buffer);
        }
    }

    private static bool IsAsync(HttpRequest request) => request.Query["async"].ToString() switch
    {
        "" or "false" => false,
        "true" => true,
        var other => throw WardenException.BadRequest($"async must be true or false, not '{other}'"),
    };

    private static IResult Submit(HttpContext context, IServiceProvider services, string model, string? version, ReadOnlyMemory<byte> body)
    {
        // Refuse what the worker would refuse anyway while the caller is still listening: bad JSON, unknown model or version.
        using (InferenceRequestReader.Read(body))
        {
        }

        var registry = services.GetRequiredService<ModelRegistry>();
        if (!registry.Models.TryGetValue(model, out var registered))
        {
            throw WardenException.NotFound($"model '{model}' is not found");
        }

        if (version is not null && registered.FindVersion(version) is null)
        {
            throw WardenException.NotFound($"version '{version}' of model '{model}' is not found");
        }

        var job = services.GetRequiredService<ExplanationJobQueue>().Submit(context.RequireApiKey().Id, model, version, body.ToArray());
        return Results.Accepted($"/api/explanations/{job.Id}", job.ToInfo());
    }
}

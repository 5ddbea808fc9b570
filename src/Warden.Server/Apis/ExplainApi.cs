using Microsoft.Extensions.Options;
using Warden.Contracts.Context;
using Warden.Core;
using Warden.Core.Explanations;
using Warden.Core.Access;
using Warden.Core.Inference;
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
            .RequireAuthorization(WardenPolicies.Infer).WithTags("explanations").Produces<ExplanationResponse>().Produces<ExplanationJobInfo>(StatusCodes.Status202Accepted)
            .WithName("Explain").Accepts<Warden.Contracts.V2.InferenceRequest>("application/json").WithSummary("Explain a prediction of the model's serving version");
        app.MapPost("/v2/models/{model}/versions/{version}/explain", (string model, string version, HttpContext context) => ExplainAsync(context, model, version))
            .RequireAuthorization(WardenPolicies.Infer).WithTags("explanations").Produces<ExplanationResponse>().Produces<ExplanationJobInfo>(StatusCodes.Status202Accepted)
            .WithName("ExplainVersion").Accepts<Warden.Contracts.V2.InferenceRequest>("application/json").WithSummary("Explain a prediction of one model version");
        app.MapGet("/api/explanations/{id}", (string id, HttpContext context, ExplanationJobQueue jobs) =>
        {
            var key = context.RequireApiKey();
            var job = jobs.Find(id);
            return job is null || (job.OwnerKeyId != key.Id && key.Role != WardenRoles.Admin)
                ? throw WardenException.NotFound($"explanation job '{id}' is not found (jobs are kept for an hour after they end)")
                : Results.Ok(job.ToInfo());
        }).RequireAuthorization(WardenPolicies.Infer).WithTags("explanations").Produces<ExplanationJobInfo>()
            .WithName("GetExplanationJob").WithSummary("A queued explanation job and its result");
        return app;
    }

    // Both forms go through InferenceService.ExplainAsync, the inference path's controls: purposes, usage policy, rate
    // limits and quotas (charged Warden:RateLimits:ExplanationCost), concurrency caps, input policies, usage counts,
    // extraction monitoring and a model.explain audit entry. A queued job is admitted and charged when it is submitted.
    private static async Task<IResult> ExplainAsync(HttpContext context, string model, string? version)
    {
        var services = context.RequestServices;
        if (!context.RequireApiKey().CanUseModel(model))
        {
            // Before the body is read, so a scoped key learns nothing about other models from parse errors.
            throw WardenException.NotFound($"model '{model}' is not found");
        }

        var options = services.GetRequiredService<IOptions<WardenOptions>>().Value;
        var (buffer, length) = await RequestBody.ReadAsync(context.Request, options.MaxRequestBodyBytes);
        try
        {
            var body = buffer.AsMemory(0, length);
            var queued = IsAsync(context.Request);
            var request = InferenceRequestReader.Read(body);
            var call = new InferenceCall(model, version, request, context.RequireApiKey(), context.Request.Headers["X-Warden-Purpose"].FirstOrDefault());
            var inference = services.GetRequiredService<InferenceService>();
            var (result, headers) = queued
                ? await inference.ExplainAsync(call, (admitted, _) => Task.FromResult(Submit(context, services, admitted, body)), context.RequestAborted)
                : await inference.ExplainAsync(call, async (admitted, ct) => Respond(admitted, Results.Ok(ExplanationContract.ToResponse(
                    await services.GetRequiredService<ExplanationService>().ExplainAsync(model, admitted.Record!.Version, _ => admitted.Inputs!, ct)))),
                    context.RequestAborted);
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }

            return result;
        }
        finally
        {
            RequestBody.Return(buffer);
        }
    }

    // Rate-limit headers are copied from the context before the call ends (the context is released with its leases).
    private static (IResult Result, KeyValuePair<string, string>[] Headers) Respond(InferenceContext admitted, IResult result) =>
        (result, admitted.HasResponseHeaders ? admitted.ResponseHeaders.ToArray() : []);

    private static bool IsAsync(HttpRequest request) => request.Query["async"].ToString() switch
    {
        "" or "false" => false,
        "true" => true,
        var other => throw WardenException.BadRequest($"async must be true or false, not '{other}'"),
    };

    private static (IResult, KeyValuePair<string, string>[]) Submit(HttpContext context, IServiceProvider services, InferenceContext admitted, ReadOnlyMemory<byte> body)
    {
        // The admitted version is pinned, so the worker explains what was checked and charged.
        var job = services.GetRequiredService<ExplanationJobQueue>().Submit(context.RequireApiKey().Id, admitted.Model, admitted.Record!.Version, body.ToArray());
        return Respond(admitted, Results.Accepted($"/api/explanations/{job.Id}", job.ToInfo()));
    }
}

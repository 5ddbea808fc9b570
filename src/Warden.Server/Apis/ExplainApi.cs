using Microsoft.Extensions.Options;
using Warden.Contracts.Context;
using Warden.Core;
using Warden.Core.Explanations;
using Warden.Core.Inference;
using Warden.Server.Auth;
using Warden.Server.Http;

namespace Warden.Server.Apis;

/// <summary>
/// <c>POST /v2/models/{model}[/versions/{version}]/explain</c>: the body of an inference request with one row; the answer
/// is the per-feature Shapley attributions of the score output against the version's background sample.
/// </summary>
public static class ExplainApi
{
    public static IEndpointRouteBuilder MapExplainApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v2/models/{model}/explain", (string model, HttpContext context) => ExplainAsync(context, model, null))
            .RequireAuthorization(WardenPolicies.Infer).WithTags("explanations").Produces<ExplanationResponse>();
        app.MapPost("/v2/models/{model}/versions/{version}/explain", (string model, string version, HttpContext context) => ExplainAsync(context, model, version))
            .RequireAuthorization(WardenPolicies.Infer).WithTags("explanations").Produces<ExplanationResponse>();
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
}

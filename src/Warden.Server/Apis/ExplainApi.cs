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

    /// <summary>Maps a Core explanation to the wire type.</summary>
    public static ExplanationResponse ToResponse(ModelExplanation result)
    {
        var e = result.Explanation;
        return new ExplanationResponse
        {
            Model = result.Model,
            Version = result.Version,
            Output = result.ScoreOutput,
            Method = e.Method == ShapleyMethod.Exact ? "exact" : "permutation_sampling",
            Parameters = new Dictionary<string, long>
            {
                ["features"] = e.FeatureCount,
                ["background_rows"] = e.BackgroundRows,
                ["permutations"] = e.Permutations,
                ["model_evaluations"] = e.ModelEvaluations,
            },
            Seed = e.Seed,
            BaseValue = e.BaseValue,
            Value = e.Output,
            Attributions = e.Attributions.Select(a => new AttributionInfo { Feature = a.Feature, Value = a.Value, Phi = a.Phi, StandardError = a.StandardError }).ToList(),
            Additivity = new AdditivityInfo
            {
                Reconstructed = e.Additivity.Reconstructed,
                AbsoluteError = e.Additivity.AbsoluteError,
                Tolerance = e.Additivity.Tolerance,
                Passed = e.Additivity.Passed,
            },
        };
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
            return Results.Ok(ToResponse(result));
        }
        finally
        {
            RequestBody.Return(buffer);
        }
    }
}

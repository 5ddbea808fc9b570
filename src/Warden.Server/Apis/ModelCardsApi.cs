using Warden.Core;
using Warden.Core.Registry;
using Warden.Server.Auth;
using Warden.Server.Http;

namespace Warden.Server.Apis;

/// <summary>
/// <c>GET /api/models/{model}/versions/{version}/card.md</c> and <c>card.html</c>: the version's model card rendered with
/// its latest fairness audit, training-data profile and drift reference.
/// </summary>
public static class ModelCardsApi
{
    public static IEndpointRouteBuilder MapModelCardsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/models/{model}/versions/{version}/card.md", async (string model, string version, HttpContext context, ModelCardSources sources) =>
            Results.Text(ModelCardMarkdown.Render(await LoadAsync(context, sources, model, version)), "text/markdown; charset=utf-8"))
            .RequireAuthorization(WardenPolicies.Read).WithTags("models").Produces<string>(StatusCodes.Status200OK, "text/markdown")
            .WithName("GetModelCardMarkdown").WithSummary("A version's model card as Markdown");
        app.MapGet("/api/models/{model}/versions/{version}/card.html", async (string model, string version, HttpContext context, ModelCardSources sources) =>
            Results.Text(ModelCardHtml.Render(await LoadAsync(context, sources, model, version)), "text/html; charset=utf-8"))
            .RequireAuthorization(WardenPolicies.Read).WithTags("models").Produces<string>(StatusCodes.Status200OK, "text/html")
            .WithName("GetModelCardHtml").WithSummary("A version's model card as HTML");
        return app;
    }

    private static Task<ModelCardReport> LoadAsync(HttpContext context, ModelCardSources sources, string model, string version) =>
        context.RequireApiKey().CanUseModel(model)
            ? sources.LoadAsync(model, version, context.RequestAborted)
            : throw WardenException.NotFound($"model '{model}' is not found");
}

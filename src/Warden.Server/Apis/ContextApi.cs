namespace Warden.Server.Apis;

/// <summary>Maps the context-understanding endpoints: explanations, the review queue and model cards.</summary>
public static class ContextApi
{
    public static IEndpointRouteBuilder MapContextApi(this IEndpointRouteBuilder app)
    {
        app.MapExplainApi();
        app.MapReviewsApi();
        return app;
    }
}

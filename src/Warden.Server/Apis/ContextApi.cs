namespace Warden.Server.Apis;

/// <summary>Maps the context-understanding endpoints: explanations, the review queue, pipelines and model cards.</summary>
public static class ContextApi
{
    public static IEndpointRouteBuilder MapContextApi(this IEndpointRouteBuilder app)
    {
        app.MapExplainApi();
        app.MapReviewsApi();
        app.MapPipelinesApi();
        app.MapModelCardsApi();
        return app;
    }
}

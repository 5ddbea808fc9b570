using Microsoft.Extensions.Options;
using Warden.Contracts.Admin;
using Warden.Core;
using Warden.Core.Pipelines;
using Warden.Core.Registry;
using Warden.Core.Storage;
using Warden.Server.Auth;
using Warden.Server.Http;

namespace Warden.Server.Apis;

/// <summary>
/// Pipelines as deployments: <c>POST /api/pipelines/{model}/versions</c> (YAML or JSON body) adds an immutable version,
/// served at <c>/v2/models/{model}/infer</c> and staged, promoted and rolled back through <c>/api/models/{model}/…</c>.
/// </summary>
public static class PipelinesApi
{
    public static IEndpointRouteBuilder MapPipelinesApi(this IEndpointRouteBuilder app)
    {
        var pipelines = app.MapGroup("/api/pipelines").WithTags("pipelines");
        pipelines.MapPost("/{model}/versions", DeployAsync)
            .RequireAuthorization(WardenPolicies.Deploy)
            .Accepts<PipelineDocument>("application/json", "application/yaml")
            .Produces<ModelVersionInfo>(StatusCodes.Status201Created)
            .WithName("DeployPipelineVersion").WithSummary("Deploy a new pipeline version from its document");
        pipelines.MapGet("/{model}/versions/{version}/document", async (string model, string version, HttpContext context, ModelRegistry registry, IModelBlobStore blobs) =>
        {
            var record = Find(context, registry, model).FindVersion(version) ?? throw WardenException.NotFound($"version '{version}' of pipeline '{model}' is not found");
            return Results.Bytes(await blobs.GetAsync(record.Sha256, context.RequestAborted), "application/json");
        }).RequireAuthorization(WardenPolicies.Read).Produces<PipelineDocument>()
            .WithName("GetPipelineDocument").WithSummary("A pipeline version's document");
        return app;
    }

    private static async Task<IResult> DeployAsync(string model, string? version, string? stage, HttpContext context, ModelRegistry registry)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<WardenOptions>>().Value;
        var (buffer, length) = await RequestBody.ReadAsync(context.Request, options.MaxDocumentBytes);
        string text;
        try
        {
            text = System.Text.Encoding.UTF8.GetString(buffer, 0, length);
        }
        finally
        {
            RequestBody.Return(buffer);
        }

        var document = PipelineDocumentReader.Parse(text, options.MaxDocumentDepth);
        var record = await registry.DeployPipelineAsync(
            model, document, null, context.RequireApiKey().Id, string.IsNullOrWhiteSpace(version) ? null : version,
            string.IsNullOrWhiteSpace(stage) ? ModelStages.Staging : stage, context.RequestAborted);
        return Results.Created($"/api/models/{model}/versions/{record.Version}", record.ToInfo());
    }

    private static RegisteredModel Find(HttpContext context, ModelRegistry registry, string name) =>
        context.RequireApiKey().CanUseModel(name) && registry.Models.TryGetValue(name, out var registered) && registered.IsPipeline
            ? registered
            : throw WardenException.NotFound($"pipeline '{name}' is not found");
}

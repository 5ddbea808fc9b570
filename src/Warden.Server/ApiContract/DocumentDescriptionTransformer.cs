using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Warden.Contracts.V2;
using Warden.Server.Apis;
using Warden.Server.Http;

namespace Warden.Server.ApiContract;

/// <summary>
/// Gives the document what ASP.NET Core cannot infer: its title and version, a server that is not the test host's
/// address, descriptions of every tag, the bearer security scheme (required everywhere unless an operation says
/// otherwise) and the two error bodies the operations refer to.
/// </summary>
internal sealed class DocumentDescriptionTransformer : IOpenApiDocumentTransformer
{
    /// <summary>Name of the bearer scheme in <c>components.securitySchemes</c>.</summary>
    internal const string BearerScheme = "bearer";

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["health"] = "Liveness and readiness probes; no key needed.",
        ["inference"] = "The Open Inference Protocol (KServe V2): server and model metadata, inference, repository and statistics.",
        ["explanations"] = "Feature attributions of a prediction, answered at once or queued as a job.",
        ["models"] = "The model registry: deploy versions, move them between stages, read model cards.",
        ["pipelines"] = "Pipelines: versions defined by a document that chains models and transforms.",
        ["settings"] = "Per-model settings documents; each one turns an opt-in feature on.",
        ["keys"] = "API keys, their roles, models, purposes and limits (admin only).",
        ["audit"] = "The hash-chained audit log and the prediction log.",
        ["feedback"] = "Ground-truth labels for earlier predictions.",
        ["fairness"] = "Fairness audits over labelled predictions.",
        ["drift"] = "Reference profiles and live drift reports.",
        ["rollout"] = "Champion and challenger versions compared on live traffic.",
        ["retraining"] = "Retraining jobs that train a new version from stored data and feedback.",
        ["reviews"] = "The human review queue for held predictions.",
        ["usage"] = "Usage counts per key and model.",
        ["abuse"] = "Abuse and model-extraction alerts.",
        ["privacy"] = "Payload encryption keys and re-encryption.",
        ["edge"] = "Signed bundles, devices, policies, revocations and telemetry of the edge fleet.",
    };

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Warden";
        document.Info.Version = InferenceApi.ServerVersion;
        document.Info.Description =
            "Serving (Open Inference Protocol / KServe V2) and administration of Warden. Every operation but the health probes " +
            "needs an API key, sent as `Authorization: Bearer <key>` (or `X-API-Key: <key>`). Errors answer with a JSON body " +
            "naming the problem: `{\"error\": …}` under /v2, RFC 7807 problem details (which also carry `error`) elsewhere.";

        // The served document would otherwise name whatever host generated it (http://localhost/ under the tests).
        document.Servers = [new OpenApiServer { Url = "/", Description = "The Warden server that serves this document" }];

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is not null && TagDescriptions.TryGetValue(tag.Name, out var text))
            {
                tag.Description = text;
            }
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A Warden API key (`warden keys create`); the bootstrap admin key is printed on first start.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];

        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        foreach (var type in new[] { typeof(ErrorResponse), typeof(ProblemBody), typeof(Contracts.V2.InferenceRequest) })
        {
            if (!document.Components.Schemas.ContainsKey(type.Name))
            {
                document.Components.Schemas[type.Name] = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
            }
        }
    }
}

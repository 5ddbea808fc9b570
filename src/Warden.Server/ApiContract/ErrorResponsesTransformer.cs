using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Warden.Contracts.V2;
using Warden.Server.Http;

namespace Warden.Server.ApiContract;

/// <summary>
/// Adds the error answers an operation can give, each with the body <see cref="ErrorResponses"/> writes: the protocol's
/// <c>{"error": …}</c> under <c>/v2</c>, problem details elsewhere. Which codes apply follows from what the operation is:
/// input (400, 413), a key (401, 403), an addressed item (404), a change of state (409), the inference path's limits
/// (429), and the database every operation may need (503).
/// </summary>
internal sealed class ErrorResponsesTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var path = "/" + (description.RelativePath ?? "");
        var protocol = IsProtocolPath(context);
        var anonymous = description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any();
        var method = description.HttpMethod ?? "GET";
        var hasBody = operation.RequestBody is not null;
        operation.Responses ??= [];
        void Add(int status, string text) => AddResponse(operation, context, protocol, status, text);

        if (hasBody || operation.Parameters is { Count: > 0 })
        {
            Add(StatusCodes.Status400BadRequest, Malformed);
        }

        if (!anonymous)
        {
            Add(StatusCodes.Status401Unauthorized, "No API key, or one that is unknown, revoked or expired.");
            Add(StatusCodes.Status403Forbidden, "The key's role, purpose or usage policy does not allow this.");
        }

        if (path.Contains('{', StringComparison.Ordinal))
        {
            Add(StatusCodes.Status404NotFound, "The addressed item is not found, or the key may not see it.");
        }

        if (!anonymous && !protocol && method is "POST" or "PUT" or "DELETE")
        {
            Add(StatusCodes.Status409Conflict, "The change conflicts with the current state (e.g. a version that exists or a stage gate).");
        }

        if (hasBody)
        {
            Add(StatusCodes.Status413PayloadTooLarge, BodyTooLarge);
        }

        if (path.EndsWith("/infer", StringComparison.Ordinal) || path.EndsWith("/explain", StringComparison.Ordinal))
        {
            Add(StatusCodes.Status429TooManyRequests, "A rate limit, quota or concurrency cap of the key refused the request; Retry-After says when to retry.");
        }

        if (!anonymous)
        {
            // The probes answer from memory; everything else may need the database.
            Add(StatusCodes.Status503ServiceUnavailable, "The server is starting or its database is unavailable; retry after Retry-After seconds.");
        }

        return Task.CompletedTask;
    }

    private const string Malformed = "The request is malformed or invalid; the body names the problem.";
    private const string BodyTooLarge = "The request body exceeds the configured limit.";

    /// <summary>
    /// The answers to a body (400, 413) for an operation whose body an endpoint transformer describes: those run after this
    /// transformer, which saw no body then. Keeps the responses in status order.
    /// </summary>
    internal static void AddBodyResponses(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var protocol = IsProtocolPath(context);
        operation.Responses ??= [];
        AddResponse(operation, context, protocol, StatusCodes.Status400BadRequest, Malformed);
        AddResponse(operation, context, protocol, StatusCodes.Status413PayloadTooLarge, BodyTooLarge);
        var ordered = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (code, response) in ordered)
        {
            operation.Responses[code] = response;
        }
    }

    // Under /v2 errors take the protocol's shape; elsewhere problem details.
    private static bool IsProtocolPath(OpenApiOperationTransformerContext context) =>
        ("/" + (context.Description.RelativePath ?? "")).StartsWith("/v2", StringComparison.Ordinal);

    private static void AddResponse(OpenApiOperation operation, OpenApiOperationTransformerContext context, bool protocol, int status, string text)
    {
        var code = status.ToString(CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(code))
        {
            return;
        }

        operation.Responses[code] = new OpenApiResponse
        {
            Description = text,
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                [protocol ? "application/json" : "application/problem+json"] = new()
                {
                    Schema = new OpenApiSchemaReference(protocol ? nameof(ErrorResponse) : nameof(ProblemBody), context.Document),
                },
            },
        };
    }
}

using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Warden.Server.ApiContract;

/// <summary>
/// Describes numbers as numbers. The web serializer defaults also read numbers written as strings, so ASP.NET Core
/// describes every number as "integer or string matching a pattern"; generated clients then type counts and shapes as
/// strings. Clients should send numbers, so the document says so.
/// </summary>
internal sealed class NumberSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (type & JsonSchemaType.String) != 0 && schema.Pattern is not null)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        return Task.CompletedTask;
    }
}

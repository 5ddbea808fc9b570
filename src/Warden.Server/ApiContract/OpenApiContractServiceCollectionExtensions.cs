using Microsoft.AspNetCore.OpenApi;

namespace Warden.Server.ApiContract;

/// <summary>Registers the OpenAPI document with the transformers that make it a usable contract.</summary>
public static class OpenApiContractServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <c>v1</c> document: bearer security on every operation but the health probes, the error responses each
    /// operation can give with their body schema, and the document's title, description and tag descriptions.
    /// </summary>
    public static IServiceCollection AddWardenOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<DocumentDescriptionTransformer>();
            options.AddOperationTransformer<SecurityRequirementTransformer>();
            options.AddOperationTransformer<ErrorResponsesTransformer>();
            options.AddSchemaTransformer<NumberSchemaTransformer>();

            // A JsonElement is any JSON value, and so is a tensor's data (a converter writes it as an array of numbers,
            // booleans or strings). As a named component, generators turn either into an empty class that cannot hold an
            // array; inline, it is "any value".
            options.CreateSchemaReferenceId = type =>
                (Nullable.GetUnderlyingType(type.Type) ?? type.Type) is var t && (t == typeof(System.Text.Json.JsonElement) || t == typeof(Warden.Contracts.V2.TensorData))
                    ? null
                    : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        });
}

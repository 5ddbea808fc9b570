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
        });
}

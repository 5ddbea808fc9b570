using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Warden.Server.ApiContract;

/// <summary>
/// Request bodies of endpoints that read their body themselves (multipart, CSV, raw bytes, free-form JSON), which the
/// OpenAPI generator cannot see from the handler's parameters. Attach one with
/// <c>.AddOpenApiOperationTransformer(RequestBodies.…)</c>.
/// </summary>
public static class RequestBodies
{
    /// <summary><c>POST /api/models/{model}/versions</c>: the ONNX file, its model card and optional parts, as multipart/form-data.</summary>
    public static Task ModelDeployment(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string>(StringComparer.Ordinal) { "model" },
            Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
            {
                ["model"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "The ONNX file." },
                ["card"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The model card as JSON (a file part or a field); a card naming only the model when absent." },
                ["background"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Optional background sample (CSV) for explanations and out-of-distribution checks." },
                ["version"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Version name; the next number when absent." },
                ["stage"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "staging (default), production or archived." },
            },
        };
        return Set(operation, context, "multipart/form-data", schema, "The version to deploy. Unknown parts are refused.", required: true);
    }

    /// <summary>
    /// <c>POST /v2/models/{model}[/versions/{version}]/infer</c>: a V2 request as JSON, or as Triton's binary tensor data
    /// extension (the JSON header, then the tensors' bytes, the header's length in <c>Inference-Header-Content-Length</c>).
    /// Described here rather than with <c>.Accepts</c>, whose metadata also routes by Content-Type: the endpoint reads any
    /// content type, because Triton's HTTP client sends none and <c>curl -d</c> sends a form type.
    /// </summary>
    public static Task Inference(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
        {
            ["application/json"] = new() { Schema = new OpenApiSchemaReference(nameof(Contracts.V2.InferenceRequest), context.Document) },
            ["application/octet-stream"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
        };
        return Set(operation, context, content,
            "An Open Inference Protocol request. With the binary tensor data extension the body is the JSON header followed by the tensors' bytes, and Inference-Header-Content-Length gives the header's length.",
            required: true);
    }

    /// <summary>A CSV body with a header row.</summary>
    public static Task Csv(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken) =>
        Set(operation, context, "text/csv", new OpenApiSchema { Type = JsonSchemaType.String }, "CSV with a header row naming the model's features (and the label column, if any).", required: true);

    /// <summary>A binary body (an edge bundle).</summary>
    public static Task Binary(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken) =>
        Set(operation, context, "application/octet-stream", new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" }, "The file's bytes.", required: true);

    /// <summary>A JSON object whose shape depends on a path parameter (a settings document of some kind).</summary>
    public static Task JsonObject(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken) =>
        Set(operation, context, "application/json", new OpenApiSchema { Type = JsonSchemaType.Object }, "The document; its fields depend on its kind (see docs/configuration.md).", required: true);

    private static Task Set(OpenApiOperation operation, OpenApiOperationTransformerContext context, string contentType, OpenApiSchema schema, string description, bool required) =>
        Set(operation, context, new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { [contentType] = new() { Schema = schema } }, description, required);

    private static Task Set(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, Dictionary<string, OpenApiMediaType> content, string description, bool required)
    {
        operation.RequestBody = new OpenApiRequestBody { Description = description, Required = required, Content = content };
        ErrorResponsesTransformer.AddBodyResponses(operation, context);
        return Task.CompletedTask;
    }
}

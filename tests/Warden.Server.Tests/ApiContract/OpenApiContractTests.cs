using System.Text.Json.Nodes;

namespace Warden.Server.Tests.ApiContract;

/// <summary>The committed document (kept equal to the served one by ObservabilityTests) is a contract a client can be generated from.</summary>
public sealed class OpenApiContractTests
{
    private static readonly string[] Methods = ["get", "post", "put", "delete", "patch"];

    private static JsonNode Document() => JsonNode.Parse(File.ReadAllText(Warden.Tests.RepoFiles.Path("docs/openapi.json")))!;

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(item => Methods.Contains(item.Key))
            .Select(item => (path.Key, item.Key, item.Value!.AsObject())));

    [Fact]
    public void OpenApi_every_operation_has_a_unique_operation_id_and_a_summary()
    {
        var operations = Operations(Document()).ToList();
        Assert.NotEmpty(operations);
        var missing = operations.Where(o => string.IsNullOrWhiteSpace((string?)o.Operation["operationId"]) || string.IsNullOrWhiteSpace((string?)o.Operation["summary"]))
            .Select(o => o.Method + " " + o.Path).ToList();
        Assert.Empty(missing);
        var ids = operations.Select(o => (string)o.Operation["operationId"]!).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void OpenApi_requires_the_bearer_scheme_everywhere_but_the_health_probes()
    {
        var document = Document();
        Assert.Equal("http", (string?)document["components"]!["securitySchemes"]!["bearer"]!["type"]);
        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["bearer"]!["scheme"]);
        Assert.NotNull(document["security"]![0]!["bearer"]);
        var anonymous = Operations(document).Where(o => o.Operation["security"] is JsonArray { Count: 0 }).Select(o => o.Path).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["/v2/health/live", "/v2/health/ready"], anonymous);
    }

    [Fact]
    public void OpenApi_documents_error_answers_with_the_error_schema()
    {
        var document = Document();
        foreach (var (path, method, operation) in Operations(document))
        {
            var responses = operation["responses"]!.AsObject();
            if (path != "/v2/health/live")
            {
                Assert.True(responses.Any(r => r.Key.StartsWith('4')), $"{method} {path} documents no 4xx answer");
            }

            foreach (var (code, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                var expected = path.StartsWith("/v2", StringComparison.Ordinal) ? "#/components/schemas/ErrorResponse" : "#/components/schemas/ProblemBody";
                var content = response!["content"]!.AsObject().Single();
                Assert.Equal(expected, (string?)content.Value!["schema"]!["$ref"]);
            }
        }

        var infer = document["paths"]!["/v2/models/{model}/infer"]!["post"]!["responses"]!.AsObject();
        Assert.All(new[] { "400", "401", "403", "404", "413", "429", "503" }, code => Assert.True(infer.ContainsKey(code), $"infer lacks {code}"));
        Assert.True(document["paths"]!["/api/models/{model}/versions"]!["post"]!["responses"]!.AsObject().ContainsKey("409"));
    }

    [Theory]
    [InlineData("/v2/models/{model}/infer", "post", "application/json", "#/components/schemas/InferenceRequest")]
    [InlineData("/v2/models/{model}/versions/{version}/infer", "post", "application/json", "#/components/schemas/InferenceRequest")]
    [InlineData("/v2/models/{model}/explain", "post", "application/json", "#/components/schemas/InferenceRequest")]
    [InlineData("/api/keys", "post", "application/json", "#/components/schemas/CreateKeyRequest")]
    [InlineData("/api/models/{model}/feedback", "post", "application/json", "#/components/schemas/FeedbackBatch")]
    [InlineData("/api/models/{model}/versions/{version}/promote", "post", "application/json", "#/components/schemas/StageChangeRequest")]
    [InlineData("/api/reviews/{id}/decide", "post", "application/json", "#/components/schemas/ReviewDecisionRequest")]
    [InlineData("/api/models/{model}/settings/{kind}", "put", "application/json", null)]
    [InlineData("/api/models/{model}/versions", "post", "multipart/form-data", null)]
    [InlineData("/api/models/{model}/versions/{version}/reference", "put", "text/csv", null)]
    [InlineData("/edge/bundles", "post", "application/octet-stream", null)]
    public void OpenApi_describes_the_request_body_of_operations_that_read_one(string path, string method, string contentType, string? schema)
    {
        var body = Document()["paths"]![path]![method]!["requestBody"];
        Assert.NotNull(body);
        var media = body!["content"]![contentType];
        Assert.NotNull(media);
        if (schema is not null)
        {
            Assert.Equal(schema, (string?)media!["schema"]!["$ref"]);
        }
    }

    [Fact]
    public void OpenApi_deploy_body_names_the_multipart_parts()
    {
        var schema = Document()["paths"]!["/api/models/{model}/versions"]!["post"]!["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!;
        Assert.Equal("binary", (string?)schema["properties"]!["model"]!["format"]);
        Assert.Equal(["background", "card", "model", "stage", "version"], schema["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }
}

using Warden.Server.Tests.ApiContract.Generated;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.ApiContract;

/// <summary>A client generated from the committed OpenAPI document (NSwag) works against a running server.</summary>
public sealed class OpenApiGeneratedClientTests(WardenFactory factory) : IClassFixture<WardenFactory>
{
    [Fact]
    public async Task OpenApi_generated_client_is_current_with_the_document()
    {
        var generated = await GeneratedClientSource.GenerateAsync(await File.ReadAllTextAsync(Warden.Tests.RepoFiles.Path("docs/openapi.json")));
        var path = Warden.Tests.RepoFiles.Path(GeneratedClientSource.RelativePath);
        if (Environment.GetEnvironmentVariable("WARDEN_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, generated);
        }

        Assert.True(File.Exists(path), $"{GeneratedClientSource.RelativePath} is missing; run the OpenApi tests with WARDEN_UPDATE_OPENAPI=1");
        Assert.Equal(generated, (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task OpenApi_generated_client_deploys_infers_and_sends_feedback()
    {
        var client = new WardenApiClient(factory.Admin());
        var ct = TestContext.Current.CancellationToken;

        await using var onnx = new MemoryStream(Deploy.CreditRiskOnnx());
        var card = """{"name":"generated-client","description":"deployed by a client generated from docs/openapi.json"}""";
        // NSwag sends every form part it declares; the server takes an empty optional part as absent.
        var deployed = await client.DeployModelVersionAsync("generated-client", new FileParameter(onnx, "model.onnx", "application/octet-stream"), card, background: "", version: "", stage: "production", ct);
        Assert.Equal("generated-client", deployed.Model);
        Assert.Equal("production", deployed.Stage);

        var request = new InferenceRequest
        {
            Id = "generated-1",
            Inputs = V2Requests.CreditRiskInputs.Select((name, i) => new InferenceInput
            {
                Name = name, Shape = [1, 1], Datatype = "FP32", Data = new[] { (float)V2Requests.Applicant[i] },
            }).ToList(),
        };
        var response = await client.InferAsync("generated-client", request, ct);
        Assert.Equal("generated-client", response.Model_name);
        Assert.Equal("generated-1", response.Id);
        Assert.NotEmpty(response.Outputs);
        Assert.All(response.Outputs, o => Assert.True(((System.Text.Json.JsonElement)o.Data).GetArrayLength() > 0, $"output {o.Name} has no data"));

        var feedback = await client.PostFeedbackAsync("generated-client", new FeedbackBatch { Items = [new FeedbackLabel { Id = response.Id, Label = "1" }] }, ct);
        Assert.Equal(1, feedback.Accepted);
        Assert.Equal(1, feedback.Matched);
        Assert.Empty(feedback.Unmatched);

        // Documented errors arrive typed, with the protocol's error body.
        var missing = await Assert.ThrowsAsync<ApiException<ErrorResponse>>(() => client.InferAsync("no-such-model", request, ct));
        Assert.Equal(404, missing.StatusCode);
        Assert.Contains("no-such-model", missing.Result.Error, StringComparison.Ordinal);
    }
}

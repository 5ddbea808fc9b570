using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.V2;

/// <summary>
/// The Open Inference Protocol REST checks for the endpoints every Warden process that serves the demo credit-risk model
/// offers: health, server and model metadata, readiness and inference. The server (<see cref="V2ConformanceTests"/>) and
/// the edge agent (<c>EdgeAgentV2ConformanceTests</c>) both run them.
/// </summary>
public abstract class V2RestConformance
{
    /// <summary>A caller allowed to read and infer.</summary>
    protected abstract HttpClient Client { get; }

    /// <summary>A caller without credentials.</summary>
    protected abstract HttpClient Anonymous { get; }

    [Fact]
    public async Task Health_live_and_ready_answer_200_without_a_key()
    {
        var anonymous = Anonymous;
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/v2/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/v2/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Server_metadata_names_server_version_and_extensions()
    {
        var json = await (await Client.GetAsync("/v2")).ReadJsonAsync();
        Assert.Equal("warden", json.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("version").GetString()));
        Assert.Equal(JsonValueKind.Array, json.GetProperty("extensions").ValueKind);
    }

    [Fact]
    public async Task Model_metadata_lists_versions_platform_and_signature()
    {
        var response = await Client.GetAsync("/v2/models/credit-risk");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.ReadJsonAsync();
        Assert.Equal("credit-risk", json.GetProperty("name").GetString());
        Assert.Equal("onnxruntime_onnx", json.GetProperty("platform").GetString());
        Assert.Contains("1", json.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        var inputs = json.GetProperty("inputs").EnumerateArray().ToList();
        Assert.Equal(V2Requests.CreditRiskInputs, inputs.Select(i => i.GetProperty("name").GetString()));
        Assert.All(inputs, i =>
        {
            Assert.Equal("FP32", i.GetProperty("datatype").GetString());
            Assert.Equal([-1L, 1L], i.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        });
        var outputs = json.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("datatype").GetString());
        Assert.Equal("BOOL", outputs["label"]);
        Assert.Equal("FP32", outputs["probability"]);
        Assert.DoesNotContain(inputs, i => i.GetProperty("name").GetString() == "afam");
    }

    [Fact]
    public async Task Versioned_metadata_and_ready_endpoints_answer_for_known_versions()
    {
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/v2/models/credit-risk/versions/1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/v2/models/credit-risk/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/v2/models/credit-risk/versions/1/ready")).StatusCode);
    }

    [Theory]
    [InlineData("/v2/models/nope")]
    [InlineData("/v2/models/nope/ready")]
    [InlineData("/v2/models/credit-risk/versions/99")]
    [InlineData("/v2/models/credit-risk/versions/99/ready")]
    public async Task Unknown_models_and_versions_are_404_with_error_body(string path)
    {
        var response = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("not found", await response.ErrorAsync());
    }

    [Fact]
    public async Task Infer_on_unknown_model_or_version_is_404()
    {
        var unknownModel = await Client.InferAsync(V2Requests.CreditRisk(), "nope");
        Assert.Equal(HttpStatusCode.NotFound, unknownModel.StatusCode);
        Assert.Contains("'nope'", await unknownModel.ErrorAsync());
        var unknownVersion = await Client.InferAsync(V2Requests.CreditRisk(), version: "42");
        Assert.Equal(HttpStatusCode.NotFound, unknownVersion.StatusCode);
    }

    [Fact]
    public async Task Stock_request_returns_label_and_probability_with_generated_id()
    {
        var response = await Client.InferAsync(V2Requests.CreditRisk());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.ReadJsonAsync();
        Assert.Equal("credit-risk", json.GetProperty("model_name").GetString());
        Assert.Equal("1", json.GetProperty("model_version").GetString());
        Assert.True(Guid.TryParse(json.GetProperty("id").GetString(), out _));
        var outputs = json.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        var probability = outputs["probability"].GetProperty("data")[0].GetDouble();
        Assert.InRange(probability, 0, 1);
        Assert.Equal(probability > 0.5, outputs["label"].GetProperty("data")[0].GetBoolean());
        Assert.Equal([1L, 1L], outputs["probability"].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Fact]
    public async Task Request_id_is_echoed()
    {
        var json = await (await Client.InferAsync(V2Requests.CreditRisk(id: "my-request-7"))).ReadJsonAsync();
        Assert.Equal("my-request-7", json.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Requested_outputs_filter_the_response()
    {
        var request = V2Requests.CreditRisk();
        request["outputs"] = new JsonArray(new JsonObject { ["name"] = "probability" });
        var json = await (await Client.InferAsync(request)).ReadJsonAsync();
        Assert.Equal(["probability"], json.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
    }
}

using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.V2;

/// <summary>Walks every Open Inference Protocol endpoint and every error case against the demo credit-risk model.</summary>
public sealed class V2ConformanceTests(WardenFactory factory) : IClassFixture<WardenFactory>
{
    private readonly HttpClient _admin = factory.Admin();

    [Fact]
    public async Task Health_live_and_ready_answer_200_without_a_key()
    {
        var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/v2/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/v2/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Server_metadata_names_server_version_and_extensions()
    {
        var json = await (await _admin.GetAsync("/v2")).ReadJsonAsync();
        Assert.Equal("warden", json.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("version").GetString()));
        Assert.Equal(JsonValueKind.Array, json.GetProperty("extensions").ValueKind);
    }

    [Fact]
    public async Task Model_metadata_lists_versions_platform_and_signature()
    {
        var response = await _admin.GetAsync("/v2/models/credit-risk");
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
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync("/v2/models/credit-risk/versions/1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync("/v2/models/credit-risk/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync("/v2/models/credit-risk/versions/1/ready")).StatusCode);
    }

    [Theory]
    [InlineData("/v2/models/nope")]
    [InlineData("/v2/models/nope/ready")]
    [InlineData("/v2/models/credit-risk/versions/99")]
    [InlineData("/v2/models/credit-risk/versions/99/ready")]
    public async Task Unknown_models_and_versions_are_404_with_error_body(string path)
    {
        var response = await _admin.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("not found", await response.ErrorAsync());
    }

    [Fact]
    public async Task Infer_on_unknown_model_or_version_is_404()
    {
        var unknownModel = await _admin.InferAsync(V2Requests.CreditRisk(), "nope");
        Assert.Equal(HttpStatusCode.NotFound, unknownModel.StatusCode);
        Assert.Contains("'nope'", await unknownModel.ErrorAsync());
        var unknownVersion = await _admin.InferAsync(V2Requests.CreditRisk(), version: "42");
        Assert.Equal(HttpStatusCode.NotFound, unknownVersion.StatusCode);
    }

    [Fact]
    public async Task Stock_request_returns_label_and_probability_with_generated_id()
    {
        var response = await _admin.InferAsync(V2Requests.CreditRisk());
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
        var json = await (await _admin.InferAsync(V2Requests.CreditRisk(id: "my-request-7"))).ReadJsonAsync();
        Assert.Equal("my-request-7", json.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Requested_outputs_filter_the_response()
    {
        var request = V2Requests.CreditRisk();
        request["outputs"] = new JsonArray(new JsonObject { ["name"] = "probability" });
        var json = await (await _admin.InferAsync(request)).ReadJsonAsync();
        Assert.Equal(["probability"], json.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Batch_of_rows_with_nested_data_is_accepted()
    {
        var request = V2Requests.CreditRisk();
        foreach (var input in request["inputs"]!.AsArray())
        {
            var value = input!["data"]![0]!.GetValue<double>();
            input["shape"] = new JsonArray(3, 1);
            input["data"] = new JsonArray(new JsonArray(value), new JsonArray(value), new JsonArray(value));
        }

        var response = await _admin.InferAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var probabilities = (await response.ReadJsonAsync()).GetProperty("outputs").EnumerateArray()
            .Single(o => o.GetProperty("name").GetString() == "probability").GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.Equal(3, probabilities.Count);
        Assert.All(probabilities, p => Assert.Equal(probabilities[0], p, 6));
    }

    [Fact]
    public async Task Higher_debt_ratio_raises_the_denial_probability()
    {
        var low = V2Requests.Applicant.ToArray();
        var high = V2Requests.Applicant.ToArray();
        high[0] = 0.9; // pirat
        high[3] = 6;   // chist
        var pLow = await ProbabilityAsync(low);
        var pHigh = await ProbabilityAsync(high);
        Assert.True(pHigh > pLow, $"expected {pHigh} > {pLow}");
    }

    public static TheoryData<string, string, string> BadRequests()
    {
        var good = V2Requests.CreditRisk();
        JsonObject With(Action<JsonObject> change)
        {
            var copy = (JsonObject)good.DeepClone();
            change(copy);
            return copy;
        }

        JsonObject First(JsonObject r) => r["inputs"]![0]!.AsObject();
        return new TheoryData<string, string, string>
        {
            { "malformed JSON", "{\"inputs\": [", "malformed JSON" },
            { "empty body", "", "empty" },
            { "not an object", "[1,2,3]", "must be a JSON object" },
            { "no inputs", "{}", "no \"inputs\"" },
            { "inputs not an array", "{\"inputs\": 5}", "must be an array" },
            { "missing input", With(r => r["inputs"]!.AsArray().RemoveAt(0)).ToJsonString(), "missing input 'pirat'" },
            { "unknown input", With(r => First(r)["name"] = "pirat2").ToJsonString(), "unknown input 'pirat2'" },
            { "duplicate input", With(r => r["inputs"]!.AsArray().Add(First(r).DeepClone())).ToJsonString(), "more than once" },
            { "wrong datatype", With(r => First(r)["datatype"] = "FP64").ToJsonString(), "expects FP32" },
            { "unknown datatype", With(r => First(r)["datatype"] = "FLOAT").ToJsonString(), "not a protocol datatype" },
            { "rank mismatch", With(r => First(r)["shape"] = new JsonArray(1)).ToJsonString(), "rank" },
            { "fixed dimension mismatch", With(r => { First(r)["shape"] = new JsonArray(1, 2); First(r)["data"] = new JsonArray(1, 2); }).ToJsonString(), "dimension 1 must be 1" },
            { "element count mismatch", With(r => First(r)["data"] = new JsonArray(1, 2)).ToJsonString(), "has 2 values but shape [1, 1] needs 1" },
            { "non-numeric value", With(r => First(r)["data"] = new JsonArray("abc")).ToJsonString(), "not a number" },
            { "FP32 overflow", With(r => First(r)["data"] = new JsonArray(1e308)).ToJsonString(), "out of range for FP32" },
            { "FP64 overflow", With(r => First(r)["data"] = JsonNode.Parse("[1e400]")).ToJsonString(), "not a number" },
            { "negative shape", With(r => First(r)["shape"] = new JsonArray(-1, 1)).ToJsonString(), "non-negative integer" },
            { "no data", With(r => First(r).Remove("data")).ToJsonString(), "has no \"data\"" },
            { "data not array", With(r => First(r)["data"] = 3).ToJsonString(), "data must be an array" },
            { "unknown output", With(r => r["outputs"] = new JsonArray(new JsonObject { ["name"] = "score" })).ToJsonString(), "unknown output 'score'" },
            { "id not string", With(r => r["id"] = 5).ToJsonString(), "\"id\" must be a string" },
            { "parameters not object", With(r => r["parameters"] = new JsonArray()).ToJsonString(), "must be an object" },
            { "deep nesting", "{\"inputs\":" + new string('[', 200) + new string(']', 200) + "}", "malformed JSON" },
            { "inconsistent batch", With(r => { First(r)["shape"] = new JsonArray(2, 1); First(r)["data"] = new JsonArray(1, 2); }).ToJsonString(), "rejected the inputs" },
        };
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Infer_returns_400_with_a_precise_error(string name, string body, string expected)
    {
        var response = await _admin.PostAsync("/v2/models/credit-risk/infer", V2Requests.Raw(body));
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Contains(expected, await response.ErrorAsync());
    }

    [Fact]
    public async Task Oversized_body_is_413()
    {
        using var small = new WardenFactory();
        small.Settings["Warden:MaxRequestBodyBytes"] = "2048";
        var request = V2Requests.CreditRisk(id: new string('x', 4000));
        var response = await small.Admin().InferAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("exceeds the limit", await response.ErrorAsync());
    }

    private async Task<double> ProbabilityAsync(double[] values)
    {
        var json = await (await _admin.InferAsync(V2Requests.CreditRisk(values))).ReadJsonAsync();
        return json.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "probability").GetProperty("data")[0].GetDouble();
    }
}

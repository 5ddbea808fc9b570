using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.V2;

/// <summary>Walks every Open Inference Protocol endpoint and every error case against the demo credit-risk model.</summary>
public sealed class V2ConformanceTests(WardenFactory factory) : V2RestConformance, IClassFixture<WardenFactory>
{
    private readonly HttpClient _admin = factory.Admin();

    protected override HttpClient Client => _admin;

    protected override HttpClient Anonymous => factory.CreateClient();

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
    public async Task Null_optional_fields_are_read_as_absent()
    {
        // Generated clients serialise unset optional members as null; the protocol's optional fields then mean "absent".
        var request = V2Requests.CreditRisk();
        request["id"] = null;
        request["parameters"] = null;
        request["outputs"] = null;
        foreach (var input in request["inputs"]!.AsArray())
        {
            input!["parameters"] = null;
        }

        var response = await _admin.PostAsync("/v2/models/credit-risk/infer", V2Requests.Raw(request.ToJsonString()));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var json = await response.ReadJsonAsync();
        Assert.False(string.IsNullOrEmpty(json.GetProperty("id").GetString()));
        var names = json.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()).ToList();
        Assert.Contains("probability", names);
        var expected = await ProbabilityAsync(V2Requests.Applicant.ToArray());
        var probability = json.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "probability").GetProperty("data")[0].GetDouble();
        Assert.Equal(expected, probability, 6);
    }

    [Theory]
    [InlineData(null)] // Triton's HTTP client and `requests.post(url, data=...)` send no Content-Type
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")] // curl -d without -H
    [InlineData("application/json; charset=utf-8")]
    public async Task A_json_request_is_answered_whatever_content_type_the_client_sent(string? contentType)
    {
        var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(V2Requests.CreditRisk().ToJsonString()));
        if (contentType is not null)
        {
            content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        var response = await _admin.PostAsync("/v2/models/credit-risk/infer", content);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Contains("probability", (await response.ReadJsonAsync()).GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
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

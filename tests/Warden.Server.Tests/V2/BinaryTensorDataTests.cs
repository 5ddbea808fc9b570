using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.V2;

/// <summary>
/// The binary tensor data extension as Triton's protocol document defines it: a JSON header whose length is given by
/// <c>Inference-Header-Content-Length</c>, followed by the raw data of the inputs that declare <c>binary_data_size</c>;
/// outputs asked for with <c>binary_data</c> (or <c>binary_data_output</c>) come back the same way.
/// </summary>
public sealed class BinaryTensorDataTests(WardenFactory factory) : IClassFixture<WardenFactory>
{
    private const string Header = "Inference-Header-Content-Length";

    private static HttpContent Binary(JsonNode header, params byte[][] chunks)
    {
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var body = json.Concat(chunks.SelectMany(c => c)).ToArray();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add(Header, json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return content;
    }

    private static async Task<(JsonElement Json, byte[] Tail)> SplitAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        var length = int.Parse(response.Headers.GetValues(Header).Single(), System.Globalization.CultureInfo.InvariantCulture);
        using var document = JsonDocument.Parse(body.AsMemory(0, length));
        return (document.RootElement.Clone(), body[length..]);
    }

    private async Task DeployEchoAsync()
    {
        var deployed = await factory.Admin().PostAsync("/api/models/echo-binary/versions", Deploy.Form(TestModels.EchoAllTypes(), stage: "production"), TestContext.Current.CancellationToken);
        Assert.True(deployed.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, await deployed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    // The document's example: a UINT32 [2, 2] input as 16 binary bytes and a BOOL input as one byte per element (the
    // chunks follow the inputs' order: BOOL first); one output asked for as binary data and one as JSON.
    private static JsonObject EchoRequest(bool jsonForRest = true)
    {
        var inputs = new JsonArray();
        foreach (var (wire, _) in TestModels.Types)
        {
            var input = new JsonObject { ["name"] = "in_" + wire.ToLowerInvariant(), ["datatype"] = wire, ["shape"] = new JsonArray(2, 2) };
            switch (wire)
            {
                case "UINT32":
                    input["parameters"] = new JsonObject { ["binary_data_size"] = 16 };
                    break;
                case "BOOL":
                    input["parameters"] = new JsonObject { ["binary_data_size"] = 4 };
                    break;
                case "BYTES":
                    input["data"] = new JsonArray("a", "bb", "", "dddd");
                    break;
                default:
                    input["data"] = jsonForRest ? new JsonArray(1, 0, 1, 0) : null;
                    break;
            }

            inputs.Add(input);
        }

        return new JsonObject
        {
            ["inputs"] = inputs,
            ["outputs"] = new JsonArray(
                new JsonObject { ["name"] = "out_uint32", ["parameters"] = new JsonObject { ["binary_data"] = true } },
                new JsonObject { ["name"] = "out_bool", ["parameters"] = new JsonObject { ["binary_data"] = false } }),
        };
    }

    private static byte[] Uint32s(params uint[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    [Fact]
    public async Task Binary_inputs_and_a_binary_output_follow_the_JSON_header_as_the_extension_defines()
    {
        await DeployEchoAsync();
        var uints = Uint32s(0, 1, 4294967294, 4294967295);
        var response = await factory.Admin().PostAsync("/v2/models/echo-binary/infer", Binary(EchoRequest(), [1, 0, 0, 1], uints), TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);

        var (json, tail) = await SplitAsync(response);
        var outputs = json.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(["out_uint32", "out_bool"], outputs.Select(o => o.GetProperty("name").GetString()));
        Assert.Equal(16, outputs[0].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.False(outputs[0].TryGetProperty("data", out _));
        Assert.Equal("[true,false,false,true]", outputs[1].GetProperty("data").GetRawText());
        Assert.Equal(uints, tail);
    }

    [Fact]
    public async Task Binary_data_output_sends_every_output_as_binary_and_the_values_match_the_JSON_answer()
    {
        var request = V2Requests.CreditRisk();
        request["parameters"] = new JsonObject { ["binary_data_output"] = true };
        var response = await factory.Admin().InferAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (json, tail) = await SplitAsync(response);
        var plain = await (await factory.Admin().InferAsync(V2Requests.CreditRisk())).ReadJsonAsync();

        var offset = 0;
        foreach (var output in json.GetProperty("outputs").EnumerateArray())
        {
            var size = output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32();
            var expected = plain.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == output.GetProperty("name").GetString());
            if (output.GetProperty("datatype").GetString() == "FP32")
            {
                var values = Enumerable.Range(0, size / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(tail.AsSpan(offset + (i * 4)))).ToList();
                Assert.Equal(expected.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()), values);
            }

            offset += size;
        }

        Assert.Equal(tail.Length, offset);
    }

    [Fact]
    public async Task A_stock_JSON_request_is_answered_as_JSON_without_the_header()
    {
        var response = await factory.Admin().InferAsync(V2Requests.CreditRisk());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains(Header));
    }

    [Theory]
    [InlineData("header-too-long", "must be between 1 and the body's length")]
    [InlineData("sizes-short", "add up to")]
    [InlineData("no-header", "no Inference-Header-Content-Length header")]
    [InlineData("data-and-size", "has both \"data\" and parameters.binary_data_size")]
    [InlineData("wrong-size", "bytes of binary data but 4 FP32 elements need 16")]
    [InlineData("size-not-a-number", "binary_data_size must be a non-negative integer")]
    public async Task Malformed_binary_requests_are_400_with_a_JSON_error_naming_the_problem(string kind, string expected)
    {
        await DeployEchoAsync();
        var request = EchoRequest();
        var inputs = (JsonArray)request["inputs"]!;
        var uints = Uint32s(1, 2, 3, 4);
        byte[] bools = [1, 0, 0, 1];
        HttpContent content;
        switch (kind)
        {
            case "header-too-long":
                content = Binary(request, bools, uints);
                content.Headers.Remove(Header);
                content.Headers.Add(Header, "999999");
                break;
            case "sizes-short":
                content = Binary(request, bools, uints, [7, 7]);
                break;
            case "no-header":
                content = V2Requests.Json(request);
                break;
            case "data-and-size":
                inputs.OfType<JsonObject>().Single(i => (string?)i["name"] == "in_uint32")["data"] = new JsonArray(1, 2, 3, 4);
                content = Binary(request, bools, uints);
                break;
            case "wrong-size":
                var fp32 = inputs.OfType<JsonObject>().Single(i => (string?)i["name"] == "in_fp32");
                fp32.Remove("data");
                fp32["parameters"] = new JsonObject { ["binary_data_size"] = 3 };
                content = Binary(request, bools, uints, [0, 0, 0]);
                break;
            default:
                inputs.OfType<JsonObject>().Single(i => (string?)i["name"] == "in_uint32")["parameters"] = new JsonObject { ["binary_data_size"] = "16" };
                content = Binary(request, bools, uints);
                break;
        }

        var response = await factory.Admin().PostAsync("/v2/models/echo-binary/infer", content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.ErrorAsync();
        Assert.True(error.Contains(expected, StringComparison.Ordinal), error);
    }
}

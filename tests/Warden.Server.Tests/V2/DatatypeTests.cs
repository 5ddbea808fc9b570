using System.Net;
using System.Text.Json.Nodes;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.V2;

/// <summary>Every protocol datatype travels request → ONNX Runtime → response unchanged.</summary>
public sealed class DatatypeTests(WardenFactory factory) : IClassFixture<WardenFactory>
{
    private static readonly Dictionary<string, JsonArray> Values = new()
    {
        ["BOOL"] = new JsonArray(true, false, false, true),
        ["UINT8"] = new JsonArray(0, 1, 254, 255),
        ["UINT16"] = new JsonArray(0, 1, 65534, 65535),
        ["UINT32"] = new JsonArray(0, 1, 4294967294L, 4294967295L),
        ["UINT64"] = new JsonArray(0, 1, 2, 18446744073709551615UL),
        ["INT8"] = new JsonArray(-128, -1, 0, 127),
        ["INT16"] = new JsonArray(-32768, -1, 0, 32767),
        ["INT32"] = new JsonArray(int.MinValue, -1, 0, int.MaxValue),
        ["INT64"] = new JsonArray(long.MinValue, -1, 0, long.MaxValue),
        ["FP16"] = new JsonArray(0.5, -2, 1024, 0.25),
        ["FP32"] = new JsonArray(0.5, -2.25, 3.4e38, 1e-7),
        ["FP64"] = new JsonArray(0.5, -2.25, 1.7e308, 1e-300),
        ["BYTES"] = new JsonArray("plain", "ünïcødé", "", "with \"quotes\""),
    };

    [Fact]
    public async Task Every_datatype_round_trips_through_an_identity_model()
    {
        var admin = factory.Admin();
        var deployed = await admin.PostAsync("/api/models/echo/versions", Deploy.Form(TestModels.EchoAllTypes(), stage: "production"));
        Assert.Equal(HttpStatusCode.Created, deployed.StatusCode);

        var metadata = await (await admin.GetAsync("/v2/models/echo")).ReadJsonAsync();
        Assert.Equal(TestModels.Types.Select(t => t.Wire), metadata.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("datatype").GetString()));

        var inputs = new JsonArray();
        foreach (var (wire, _) in TestModels.Types)
        {
            inputs.Add(new JsonObject
            {
                ["name"] = "in_" + wire.ToLowerInvariant(),
                ["datatype"] = wire,
                ["shape"] = new JsonArray(2, 2),
                ["data"] = Values[wire].DeepClone(),
            });
        }

        var response = await admin.InferAsync(new JsonObject { ["inputs"] = inputs }, "echo");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var outputs = (await response.ReadJsonAsync()).GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        foreach (var (wire, _) in TestModels.Types)
        {
            var output = outputs["out_" + wire.ToLowerInvariant()];
            Assert.Equal(wire, output.GetProperty("datatype").GetString());
            Assert.Equal([2L, 2L], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
            var expected = Values[wire].Select(v => v!.ToJsonString()).ToList();
            var actual = output.GetProperty("data").EnumerateArray().Select(v => v.GetRawText()).ToList();
            if (wire is "FP32" or "FP16")
            {
                Assert.Equal(Values[wire].Select(v => double.Parse(v!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)), output.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()),
                    new RelativeComparer(wire == "FP16" ? 1e-3 : 1e-6));
            }
            else if (wire == "BYTES")
            {
                Assert.Equal(Values[wire].Select(v => v!.GetValue<string>()), output.GetProperty("data").EnumerateArray().Select(v => v.GetString()));
            }
            else
            {
                Assert.Equal(expected, actual);
            }
        }
    }

    private sealed class RelativeComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));

        public int GetHashCode(double obj) => 0;
    }
}

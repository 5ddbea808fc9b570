using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Warden.Contracts.Admin;
using Warden.Core.Fairness;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Monitoring;

/// <summary>Group thresholds bound to the version they were fitted for, and label-only requests with thresholds on.</summary>
public sealed class VersionBoundThresholdTests : IDisposable
{
    private readonly WardenFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    // Deny everyone in afam=yes and no one in afam=no: any application of the rules is visible in the label.
    private static GroupThresholds Extreme() => new()
    {
        Constraint = FairnessConstraint.DemographicParity,
        Features = ["afam"],
        Rules = new Dictionary<string, GroupDecisionRule>
        {
            ["afam=yes"] = new(-1, -1, 1),
            ["afam=no"] = new(2, 2, 1),
        },
    };

    private static async Task<JsonObject> InferAsync(HttpClient client, string? version, JsonArray? outputs = null)
    {
        var request = V2Requests.CreditRisk(V2Requests.Applicant, "req-1", new JsonObject { ["sensitive.afam"] = "yes" });
        if (outputs is not null)
        {
            request["outputs"] = outputs;
        }

        var response = await client.InferAsync(request, version: version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static bool Label(JsonObject response) =>
        response["outputs"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == "label")!["data"]![0]!.GetValue<bool>();

    [Fact]
    public async Task Thresholds_fitted_for_version_1_apply_to_version_1_only_and_block_promoting_version_2()
    {
        var admin = _factory.Admin();
        var deployed = await admin.PostAsync("/api/models/credit-risk/versions", Deploy.Form(Deploy.CreditRiskOnnx(),
            File.ReadAllText(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/card.json"))));
        Assert.Equal(HttpStatusCode.Created, deployed.StatusCode);
        var put = await admin.PutAsync("/api/models/credit-risk/settings/group-thresholds",
            V2Requests.Raw($"{{\"required\":true,\"versions\":{{\"1\":{Extreme().ToJson()}}}}}"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var v1 = await InferAsync(admin, "1");
        Assert.True(Label(v1));
        Assert.Equal("afam=yes", v1["parameters"]!["group_thresholds"]!.GetValue<string>());
        Assert.Equal("1", v1["parameters"]!["group_thresholds_version"]!.GetValue<string>());

        // The demo applicant's probability is far below 0.5: version 2 answers with its own, unthresholded label.
        var v2 = await InferAsync(admin, "2");
        Assert.False(Label(v2));
        Assert.Null(v2["parameters"]?["group_thresholds"]);

        var refused = await admin.PostAsJsonAsync("/api/models/credit-risk/versions/2/promote", new StageChangeRequest { Reason = "new scale" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var message = await refused.Content.ReadAsStringAsync();
        Assert.Contains("version 2 of ", message, StringComparison.Ordinal);
        Assert.Contains("has no group thresholds of its own", message, StringComparison.Ordinal);

        var both = await admin.PutAsync("/api/models/credit-risk/settings/group-thresholds",
            V2Requests.Raw($"{{\"required\":true,\"versions\":{{\"1\":{Extreme().ToJson()},\"2\":{Extreme().ToJson()}}}}}"));
        Assert.Equal(HttpStatusCode.OK, both.StatusCode);
        var promoted = await admin.PostAsJsonAsync("/api/models/credit-risk/versions/2/promote", new StageChangeRequest { Reason = "thresholds refitted" });
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
    }

    [Fact]
    public async Task A_request_for_the_label_alone_is_decided_by_the_thresholds_and_gets_only_the_label()
    {
        var admin = _factory.Admin();
        var put = await admin.PutAsync("/api/models/credit-risk/settings/group-thresholds",
            V2Requests.Raw($"{{\"required\":true,\"versions\":{{\"1\":{Extreme().ToJson()}}}}}"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var response = await InferAsync(admin, null, [new JsonObject { ["name"] = "label" }]);

        var outputs = response["outputs"]!.AsArray();
        Assert.Equal(["label"], outputs.Select(o => o!["name"]!.GetValue<string>()));
        Assert.True(Label(response));
    }

    [Fact]
    public async Task A_mixture_version_draws_its_label_from_the_probability_seeded_by_the_request_id()
    {
        var admin = _factory.Admin();
        var card = JsonNode.Parse(File.ReadAllText(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/card.json")))!.AsObject();
        card["parameters"]!["served_label"] = "mixture-draw";
        var deployed = await admin.PostAsync("/api/models/credit-risk/versions", Deploy.Form(Deploy.CreditRiskOnnx(), card.ToJsonString()));
        Assert.Equal(HttpStatusCode.Created, deployed.StatusCode);

        var applicants = HmdaTraffic.Load(0, 40);
        var rows = new JsonArray();
        foreach (var name in V2Requests.CreditRiskInputs)
        {
            var index = Array.IndexOf(V2Requests.CreditRiskInputs, name);
            rows.Add(new JsonObject
            {
                ["name"] = name,
                ["datatype"] = "FP32",
                ["shape"] = new JsonArray(applicants.Count, 1),
                ["data"] = new JsonArray(applicants.Select(a => (JsonNode)JsonValue.Create(a.Inputs[index])!).ToArray()),
            });
        }

        async Task<(bool[] Labels, double[] P)> BatchAsync(string id)
        {
            var response = await admin.InferAsync(new JsonObject { ["id"] = id, ["inputs"] = rows.DeepClone() }, version: "2");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await response.ReadJsonAsync();
            Assert.True(json.GetProperty("parameters").GetProperty("mixture_draw").GetBoolean());
            var outputs = json.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("data"));
            return (outputs["label"].EnumerateArray().Select(v => v.GetBoolean()).ToArray(), outputs["probability"].EnumerateArray().Select(v => v.GetDouble()).ToArray());
        }

        var (first, p) = await BatchAsync("mix-1");
        var (again, _) = await BatchAsync("mix-1");
        Assert.Equal(first, again);
        var random = new Random(Warden.Core.Monitoring.GroupThresholdInterceptor.SeedFor("mix-1"));
        Assert.Equal(p.Select(v => random.NextDouble() < v).ToArray(), first);

        // Version 1 (no mixture) keeps the deterministic label.
        var plain = await admin.InferAsync(V2Requests.CreditRisk(V2Requests.Applicant, "mix-1"), version: "1");
        var plainJson = await plain.ReadJsonAsync();
        Assert.False(plainJson.TryGetProperty("parameters", out var parameters) && parameters.TryGetProperty("mixture_draw", out _));
    }
}

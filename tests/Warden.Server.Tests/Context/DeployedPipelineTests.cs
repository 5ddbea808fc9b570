using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Server.Tests.Infrastructure;
using static Warden.Server.Tests.Context.ReviewFixture;

namespace Warden.Server.Tests.Context;

public sealed class DeployedPipelineTests : IDisposable
{
    private const string Gate = """
        # credit-risk behind a loan-to-value rule
        steps:
          - name: high-ltv
            type: rule
            condition: lvrat > 1.2
            action: decide
            label: refer
          - name: risk
            type: model
            model: credit-risk
          - name: cut
            type: threshold
            threshold: 0.5
        positiveLabel: deny
        negativeLabel: approve
        """;

    private const string StrictGate = """
        steps:
          - { name: any-ltv, type: rule, condition: "lvrat > 0.5", action: decide, label: refer-v2 }
          - { name: risk, type: model, model: credit-risk }
          - { name: cut, type: threshold, threshold: 0.5 }
        """;

    private readonly WardenFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task A_rule_that_decides_skips_the_model_entirely()
    {
        using var admin = _factory.Admin();
        await DeployAsync(admin, Gate, stage: "production");

        // Only lvrat is sent: had the model run, its eleven other inputs would be missing.
        var (status, body) = await InferOneAsync(admin, ("lvrat", 1.3));
        Assert.Equal(200, status);
        Assert.Equal("credit-gate", body.GetProperty("model_name").GetString());
        Assert.Equal("refer", Decision(body));
        Assert.Equal("rule:high-ltv", Parameter(body, "decided_by"));
        Assert.Equal("[\"high-ltv\"]", Parameter(body, "rules_fired"));
        Assert.DoesNotContain(body.GetProperty("outputs").EnumerateArray(), o => o.GetProperty("name").GetString() == "score");

        // The same partial request with the rule not firing reaches the model, which needs the inputs: 400 naming one.
        var (missingStatus, missing) = await InferOneAsync(admin, ("lvrat", 0.8));
        Assert.Equal(400, missingStatus);
        Assert.Contains("needs input 'pirat'", missing.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_no_rule_fires_the_model_scores_and_a_stock_v2_request_works()
    {
        using var admin = _factory.Admin();
        await DeployAsync(admin, Gate, stage: "production");
        var (_, direct) = await InferAsync(admin);
        var probability = direct.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "probability").GetProperty("data")[0].GetDouble();

        // The unchanged stock request (all twelve inputs as FP32 [1,1]) addressed to the pipeline's name.
        var (status, body) = await InferAsync(admin, model: "credit-gate");
        Assert.Equal(200, status);
        Assert.Equal("model:credit-risk", Parameter(body, "decided_by"));
        Assert.Equal("[]", Parameter(body, "rules_fired"));
        Assert.Equal("1", Parameter(body, "pipeline_version"));
        var score = body.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "score").GetProperty("data")[0].GetDouble();
        Assert.Equal(probability, score, 6);
        Assert.Equal(score >= 0.5 ? "deny" : "approve", Decision(body));
    }

    [Fact]
    public async Task Promoting_v2_changes_the_answer_and_rolling_back_restores_v1()
    {
        using var admin = _factory.Admin();
        await DeployAsync(admin, Gate, stage: "production");
        var staged = await DeployAsync(admin, StrictGate);
        Assert.Equal("staging", staged.GetProperty("stage").GetString());
        Assert.Equal("pipeline", staged.GetProperty("kind").GetString());

        var (_, before) = await InferAsync(admin, model: "credit-gate");
        Assert.Equal("model:credit-risk", Parameter(before, "decided_by"));
        var (_, explicitV2) = await InferAsync(admin, model: "credit-gate/versions/2");
        Assert.Equal("refer-v2", Decision(explicitV2));

        await PostAsync(admin, "/api/models/credit-gate/versions/2/promote", new { stage = "production" });
        var (_, promoted) = await InferAsync(admin, model: "credit-gate");
        Assert.Equal("refer-v2", Decision(promoted));
        Assert.Equal("rule:any-ltv", Parameter(promoted, "decided_by"));
        Assert.Equal("2", Parameter(promoted, "pipeline_version"));

        await PostAsync(admin, "/api/models/credit-gate/rollback", new { reason = "too strict" });
        var (_, rolledBack) = await InferAsync(admin, model: "credit-gate");
        Assert.Equal("model:credit-risk", Parameter(rolledBack, "decided_by"));
        Assert.Equal("1", Parameter(rolledBack, "pipeline_version"));

        var audit = (await GetAsync(admin, "/api/audit?limit=1000")).GetProperty("items").EnumerateArray()
            .Select(e => (e.GetProperty("action").GetString(), e.GetProperty("target").GetString())).ToList();
        Assert.Contains(("pipeline.deploy", "credit-gate:2"), audit);
        Assert.Contains(("model.promote", "credit-gate:2"), audit);
        Assert.Contains(("model.rollback", "credit-gate:1"), audit);
    }

    [Fact]
    public async Task Invalid_documents_are_refused_naming_step_and_field()
    {
        using var admin = _factory.Admin();
        const string invalid = """
            steps:
              - { name: early, type: rule, condition: "score > 0.5", action: decide, label: x }
              - { name: risk, type: model, model: no-such-model }
              - { name: cut, type: threshold }
            """;
        using var response = await admin.PostAsync("/api/pipelines/credit-gate/versions", new StringContent(invalid, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.ErrorAsync();
        Assert.Contains("steps[0] 'early'.condition: 'score' is not known before a model or ensemble step", error, StringComparison.Ordinal);
        Assert.Contains("steps[1] 'risk'.model: model 'no-such-model' (production) is not registered", error, StringComparison.Ordinal);
        Assert.Contains("steps[2] 'cut'.threshold: is required", error, StringComparison.Ordinal);

        using var typo = await admin.PostAsync("/api/pipelines/credit-gate/versions", V2Requests.Raw("""{"steps":[{"name":"r","type":"rule","conditon":"lvrat > 1"}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, typo.StatusCode);
        Assert.Contains("conditon", await typo.ErrorAsync(), StringComparison.Ordinal);
        Assert.False((await admin.GetAsync("/v2/models/credit-gate")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Metadata_lists_the_union_of_member_inputs_and_yaml_and_json_forms_share_one_sha()
    {
        using var admin = _factory.Admin();
        var yaml = await DeployAsync(admin, Gate, stage: "production");
        var metadata = await GetAsync(admin, "/v2/models/credit-gate");
        Assert.Equal("warden_pipeline", metadata.GetProperty("platform").GetString());
        Assert.Equal(V2Requests.CreditRiskInputs, metadata.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToArray());
        Assert.Equal(["decision", "score"], metadata.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()!).ToArray());
        Assert.True((await GetAsync(admin, "/v2/models/credit-gate/ready")).GetProperty("ready").GetBoolean());

        var json = JsonSerializer.Serialize(new
        {
            steps = new object[]
            {
                new { name = "high-ltv", type = "rule", condition = "lvrat > 1.2", action = "decide", label = "refer" },
                new { name = "risk", type = "model", model = "credit-risk" },
                new { name = "cut", type = "threshold", threshold = 0.5 },
            },
            positiveLabel = "deny",
            negativeLabel = "approve",
        });
        var second = await DeployAsync(admin, json);
        Assert.Equal(yaml.GetProperty("sha256").GetString(), second.GetProperty("sha256").GetString());
        var document = await GetAsync(admin, "/api/pipelines/credit-gate/versions/2/document");
        Assert.Equal("lvrat > 1.2", document.GetProperty("steps")[0].GetProperty("condition").GetString());
    }

    [Fact]
    public async Task A_name_holds_one_kind_and_a_pipeline_cannot_be_explained_as_a_model()
    {
        using var admin = _factory.Admin();
        using var conflict = await admin.PostAsync("/api/pipelines/credit-risk/versions", new StringContent(Gate, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        await DeployAsync(admin, Gate, stage: "production");
        using var onnx = await admin.GetAsync("/api/models/credit-gate/versions/1/onnx");
        Assert.Equal(HttpStatusCode.BadRequest, onnx.StatusCode);
    }

    private static async Task<JsonElement> DeployAsync(HttpClient client, string document, string? stage = null)
    {
        using var response = await client.PostAsync(
            "/api/pipelines/credit-gate/versions" + (stage is null ? "" : "?stage=" + stage), new StringContent(document, Encoding.UTF8, "application/yaml"));
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body;
    }

    private static async Task<(int Status, JsonElement Body)> InferOneAsync(HttpClient client, params (string Name, double Value)[] inputs)
    {
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(inputs.Select(i => (JsonNode)new JsonObject
            {
                ["name"] = i.Name, ["shape"] = new JsonArray(1, 1), ["datatype"] = "FP32", ["data"] = new JsonArray(i.Value),
            }).ToArray()),
        };
        using var response = await client.InferAsync(request, "credit-gate");
        return ((int)response.StatusCode, await response.ReadJsonAsync());
    }

    private static string Decision(JsonElement body) =>
        body.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "decision").GetProperty("data")[0].GetString()!;
}

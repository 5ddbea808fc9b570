using System.Text.Json;
using Warden.Server.Tests.Infrastructure;
using static Warden.Server.Tests.Context.ReviewFixture;

namespace Warden.Server.Tests.Context;

public sealed class PipelineTests : IDisposable
{
    private static readonly double[] HighLtv = [0.3, 0.25, 1.3, 2, 2, 0, 3.1, 0, 0, 0, 1, 1];
    private readonly WardenFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task A_rule_decides_before_the_model_and_the_answer_says_so()
    {
        using var admin = _factory.Admin();
        await PutPolicyAsync(admin, "credit-risk", new
        {
            steps = new object[]
            {
                new { name = "high-ltv", type = "rule", condition = "lvrat > 1.2", action = "decide", label = "refer" },
                new { name = "risk", type = "model", model = "credit-risk" },
                new { name = "cut", type = "threshold", threshold = 0.5 },
            },
            positiveLabel = "deny",
            negativeLabel = "approve",
        }, "pipeline");

        var (status, referred) = await InferAsync(admin, HighLtv);
        Assert.Equal(200, status);
        Assert.Equal("refer", Decision(referred));
        Assert.Equal("rule:high-ltv", Parameter(referred, "decided_by"));
        Assert.Equal("[\"high-ltv\"]", Parameter(referred, "rules_fired"));

        var (_, scored) = await InferAsync(admin);
        Assert.Equal("model:credit-risk", Parameter(scored, "decided_by"));
        Assert.Equal("[]", Parameter(scored, "rules_fired"));
        var score = scored.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "score").GetProperty("data")[0].GetDouble();
        Assert.Equal(score >= 0.5 ? "deny" : "approve", Decision(scored));
    }

    [Fact]
    public async Task Per_group_thresholds_use_the_sensitive_attribute()
    {
        using var admin = _factory.Admin();
        await PutPolicyAsync(admin, "credit-risk", new
        {
            steps = new object[]
            {
                new { name = "risk", type = "model", model = "credit-risk" },
                new { name = "cut", type = "threshold", threshold = 0.0, groups = new Dictionary<string, Dictionary<string, double>> { ["afam"] = new() { ["yes"] = 1.0 } } },
            },
        }, "pipeline");
        using var plain = await admin.InferAsync(V2Requests.CreditRisk());
        Assert.Equal("true", Decision(await plain.ReadJsonAsync()));
        var parameters = new System.Text.Json.Nodes.JsonObject { ["sensitive.afam"] = "yes" };
        using var grouped = await admin.InferAsync(V2Requests.CreditRisk(parameters: parameters));
        Assert.Equal("false", Decision(await grouped.ReadJsonAsync()));
    }

    [Fact]
    public async Task Low_confidence_fallback_decides_with_its_label()
    {
        using var admin = _factory.Admin();
        await PutPolicyAsync(admin, "credit-risk", new
        {
            steps = new object[]
            {
                new { name = "risk", type = "model", model = "credit-risk" },
                new { name = "unsure", type = "fallback", when = "low-confidence", minConfidence = 0.9999, label = "refer" },
            },
        }, "pipeline");
        var (_, body) = await InferAsync(admin);
        Assert.Equal("refer", Decision(body));
        Assert.Equal("fallback:unsure", Parameter(body, "decided_by"));
    }

    [Fact]
    public async Task Invalid_pipelines_are_refused_naming_step_and_field()
    {
        using var admin = _factory.Admin();
        var document = JsonSerializer.Serialize(new
        {
            steps = new object[]
            {
                new { name = "early", type = "rule", condition = "score > 0.5", action = "decide", label = "x" },
                new { name = "risk", type = "model", model = "no-such-model" },
                new { name = "cut", type = "threshold" },
                new { name = "bad", type = "magic" },
            },
        });
        using var response = await admin.PutAsync("/api/models/credit-risk/settings/pipeline", V2Requests.Raw(document));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.ErrorAsync();
        Assert.Contains("steps[0] 'early'.condition: 'score' is not known before a model or ensemble step", error, StringComparison.Ordinal);
        Assert.Contains("steps[1] 'risk'.model: model 'no-such-model' (production) is not registered", error, StringComparison.Ordinal);
        Assert.Contains("steps[2] 'cut'.threshold: is required", error, StringComparison.Ordinal);
        Assert.Contains("steps[3] 'bad'.type: 'magic' is not", error, StringComparison.Ordinal);

        // Rules alone: a request that no rule decides would be left without an answer.
        var rulesOnly = JsonSerializer.Serialize(new { steps = new object[] { new { name = "r", type = "rule", condition = "lvrat > 5", action = "decide", label = "x" } } });
        using var refused = await admin.PutAsync("/api/models/credit-risk/settings/pipeline", V2Requests.Raw(rulesOnly));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("steps: a pipeline needs a model or ensemble step", await refused.ErrorAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ensemble_of_the_same_model_twice_averages_to_its_score()
    {
        using var admin = _factory.Admin();
        await PutPolicyAsync(admin, "credit-risk", new
        {
            steps = new object[]
            {
                new { name = "both", type = "ensemble", members = new object[] { new { model = "credit-risk", weight = 1 }, new { model = "credit-risk", version = "1", weight = 3 } } },
            },
        }, "pipeline");
        using var plainFactory = new WardenFactory();
        using var plainClient = plainFactory.Admin();
        var (_, plain) = await InferAsync(plainClient);
        var probability = plain.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "probability").GetProperty("data")[0].GetDouble();
        var (_, body) = await InferAsync(admin);
        Assert.Equal("ensemble:both", Parameter(body, "decided_by"));
        var score = body.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "score").GetProperty("data")[0].GetDouble();
        Assert.Equal(probability, score, 6);
    }

    [Fact]
    public async Task Deleting_the_pipeline_and_review_policy_returns_the_bare_model_and_is_audited()
    {
        using var admin = _factory.Admin();
        await PutPolicyAsync(admin, "credit-risk", new
        {
            steps = new object[]
            {
                new { name = "everyone", type = "rule", condition = "lvrat > -1", action = "decide", label = "refer" },
                new { name = "risk", type = "model", model = "credit-risk" },
            },
        }, "pipeline");
        Assert.Equal("refer", Decision((await InferAsync(admin)).Body));

        using var removed = await admin.DeleteAsync("/api/models/credit-risk/settings/pipeline", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, removed.StatusCode);
        var (status, bare) = await InferAsync(admin);
        Assert.Equal(200, status);
        Assert.False(bare.TryGetProperty("parameters", out var parameters) && parameters.TryGetProperty("decided_by", out _));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await admin.GetAsync("/api/models/credit-risk/settings/pipeline", TestContext.Current.CancellationToken)).StatusCode);
        var history = await GetAsync(admin, "/api/models/credit-risk/settings/pipeline/history");
        Assert.Equal(JsonValueKind.Null, history[history.GetArrayLength() - 1].GetProperty("document").ValueKind);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/models/credit-risk/settings/pipeline", TestContext.Current.CancellationToken)).StatusCode);

        // A review policy that would hold every request is taken away the same way.
        await PutPolicyAsync(admin, "credit-risk", new { mode = "hold", rule = "lvrat > -1" });
        Assert.Equal(202, (await InferAsync(admin)).Status);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.DeleteAsync("/api/models/credit-risk/settings/review-policy", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(200, (await InferAsync(admin)).Status);
        var audit = await GetAsync(admin, "/api/audit?limit=1000");
        Assert.Equal(2, audit.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("action").GetString() == "settings.delete"));
    }

    [Fact]
    public async Task A_rule_naming_an_unknown_identifier_is_refused_at_deploy_naming_it()
    {
        using var admin = _factory.Admin();
        var pipeline = JsonSerializer.Serialize(new
        {
            steps = new object[]
            {
                new { name = "typo", type = "rule", condition = "lvrat2 > 1.2 and sensitive.afam == \"yes\"", action = "decide", label = "refer" },
                new { name = "risk", type = "model", model = "credit-risk" },
            },
        });
        using var refused = await admin.PutAsync("/api/models/credit-risk/settings/pipeline", V2Requests.Raw(pipeline), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        var error = await refused.ErrorAsync();
        Assert.Contains("steps[0] 'typo'.condition: 'lvrat2' is not an input of the model", error, StringComparison.Ordinal);
        Assert.DoesNotContain("'sensitive.afam'", error, StringComparison.Ordinal);

        using var review = await admin.PutAsync("/api/models/credit-risk/settings/review-policy", V2Requests.Raw("""{"mode":"hold","rule":"lvrat2 > 1.2"}"""), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, review.StatusCode);
        Assert.Contains("rule: 'lvrat2' is not an input of the model", await review.ErrorAsync(), StringComparison.Ordinal);

        // Under its own name a pipeline may read inputs of its own; its metadata lists them.
        using var own = await admin.PostAsync("/api/pipelines/own-inputs/versions?stage=production", V2Requests.Raw(pipeline), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Created, own.StatusCode);
        Assert.Contains("lvrat2", await admin.GetStringAsync("/v2/models/own-inputs", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_compare_the_fp32_value_the_client_sent()
    {
        using var admin = _factory.Admin();
        var atLimit = (double[])HighLtv.Clone();
        atLimit[2] = 1.2;
        await PutPolicyAsync(admin, "credit-risk", new
        {
            steps = new object[]
            {
                new { name = "high-ltv", type = "rule", condition = "lvrat > 1.2", action = "decide", label = "refer" },
                new { name = "risk", type = "model", model = "credit-risk" },
            },
        }, "pipeline");
        Assert.Equal("model:credit-risk", Parameter((await InferAsync(admin, atLimit)).Body, "decided_by"));
        Assert.Equal("rule:high-ltv", Parameter((await InferAsync(admin, HighLtv)).Body, "decided_by"));

        await PutPolicyAsync(admin, "credit-risk", new { mode = "hold", rule = "lvrat > 1.2 or lvrat < 1.2" });
        Assert.Equal(200, (await InferAsync(admin, atLimit)).Status);
        Assert.Equal(202, (await InferAsync(admin, HighLtv)).Status);
    }

    private static string Decision(JsonElement body) =>
        body.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "decision").GetProperty("data")[0].GetString()!;
}

using System.Net;
using System.Text.Json.Nodes;
using Warden.Core.Fairness;
using Warden.Core.Monitoring;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Monitoring;

/// <summary>Per-group decision thresholds applied to the label output at serving time.</summary>
public sealed class GroupThresholdTests : IDisposable
{
    private readonly WardenFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static GroupThresholds HandMade() => new()
    {
        Constraint = FairnessConstraint.DemographicParity,
        Features = ["afam"],
        Rules = new Dictionary<string, GroupDecisionRule>
        {
            // afam=yes: P(ŷ=1 | s) = 0.5·1(s > 0.1) + 0.5·1(s > 0.3) → 0 below 0.1, ½ on (0.1, 0.3], 1 above 0.3.
            ["afam=yes"] = new(0.1, 0.3, 0.5),
            // afam=no: a plain threshold at 0.05.
            ["afam=no"] = new(0.05, 0.05, 1),
        },
    };

    private async Task PutAsync(HttpClient admin, GroupThresholds rules, bool required = true)
    {
        var body = $"{{\"required\":{(required ? "true" : "false")},\"thresholds\":{rules.ToJson()}}}";
        var response = await admin.PutAsync("/api/models/credit-risk/settings/group-thresholds", V2Requests.Raw(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<(bool Label, double Probability, string? Group)> InferAsync(HttpClient client, double[] inputs, string id, string? afam)
    {
        var response = await client.InferAsync(V2Requests.CreditRisk(inputs, id, afam is null ? null : new JsonObject { ["sensitive.afam"] = afam }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.ReadJsonAsync();
        var outputs = json.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("data")[0]);
        var group = json.TryGetProperty("parameters", out var p) && p.TryGetProperty("group_thresholds", out var g) ? g.GetString() : null;
        return (outputs["label"].GetBoolean(), outputs["probability"].GetDouble(), group);
    }

    [Fact]
    public async Task Request_without_the_attribute_is_400_when_the_thresholds_require_it()
    {
        var admin = _factory.Admin();
        await PutAsync(admin, HandMade());
        var response = await admin.InferAsync(V2Requests.CreditRisk());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("parameters[\"sensitive.afam\"]", await response.ErrorAsync());

        var unknown = await admin.InferAsync(V2Requests.CreditRisk(parameters: new JsonObject { ["sensitive.afam"] = "maybe" }));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("afam=maybe", await unknown.ErrorAsync());
    }

    [Fact]
    public async Task Optional_thresholds_leave_requests_without_the_attribute_untouched()
    {
        var admin = _factory.Admin();
        await PutAsync(admin, HandMade(), required: false);
        var (label, probability, group) = await InferAsync(admin, V2Requests.Applicant, "plain", null);
        Assert.Null(group);
        Assert.Equal(probability > 0.5, label);
    }

    [Fact]
    public async Task Decisions_follow_each_groups_rule_and_replay_identically_per_request_id()
    {
        var admin = _factory.Admin();
        var applicants = HmdaTraffic.Load(0, 300);
        var scores = (await HmdaTraffic.SendAsync(admin, applicants, "raw")).Select(s => s.Probability).ToList();
        await PutAsync(admin, HandMade());
        var rules = HandMade();

        var randomised = 0;
        var positives = 0;
        for (var i = 0; i < applicants.Count; i++)
        {
            var (label, probability, group) = await InferAsync(admin, applicants[i].Inputs, $"pp-{i}", "yes");
            Assert.Equal("afam=yes", group);
            Assert.Equal(scores[i], probability);
            if (probability <= 0.1)
            {
                Assert.False(label);
            }
            else if (probability > 0.3)
            {
                Assert.True(label);
            }
            else
            {
                randomised++;
                positives += label ? 1 : 0;

                // The draw is a function of the request id: the same id gives the same decision, matching the library draw.
                Assert.Equal(label, (await InferAsync(admin, applicants[i].Inputs, $"pp-{i}", "yes")).Label);
                Assert.Equal(rules.Apply(probability, "afam=yes", new Random(GroupThresholdInterceptor.SeedFor($"pp-{i}"))), label);
            }

            var (noLabel, noProbability, _) = await InferAsync(admin, applicants[i].Inputs, $"pn-{i}", "no");
            Assert.Equal(noProbability > 0.05, noLabel);
        }

        // Rows on (0.1, 0.3] are decided by a fair coin: with n of them, 3 standard deviations is 1.5·√n.
        Assert.True(randomised >= 30, $"only {randomised} randomised rows");
        Assert.InRange(positives, randomised / 2.0 - 1.5 * Math.Sqrt(randomised), randomised / 2.0 + 1.5 * Math.Sqrt(randomised));
    }

    [Fact]
    public async Task Invalid_thresholds_document_is_rejected()
    {
        var response = await _factory.Admin().PutAsync("/api/models/credit-risk/settings/group-thresholds", V2Requests.Raw("{\"required\":true}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("thresholds", await response.ErrorAsync());
    }
}

using System.Net;
using System.Text.Json;
using Warden.Server.Tests.Infrastructure;
using static Warden.Server.Tests.Policies.PolicyTestKeys;

namespace Warden.Server.Tests.Policies;

public sealed class UsagePolicyTests
{
    [Fact]
    public async Task Without_a_usage_policy_requests_without_purpose_are_served()
    {
        using var factory = new WardenFactory();
        var key = await CreateAsync(factory, new { name = "c", role = "consumer", models = new[] { "credit-risk" }, purposes = new[] { "fairness-research" } });
        var response = await factory.Authorized(key).InferAsync(V2Requests.CreditRisk());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("RateLimit-Limit"));
    }

    [Fact]
    public async Task Usage_policy_refuses_missing_ungranted_and_prohibited_purposes_and_records_violations()
    {
        using var factory = new WardenFactory();
        await PutSettingsAsync(factory, "credit-risk", "usage-policy", """{"requirePurpose": true}""");
        var key = await CreateAsync(factory, new { name = "c", role = "consumer", models = new[] { "credit-risk" }, purposes = new[] { "credit-risk:fairness-research", "other:x" } });
        var client = factory.Authorized(key);

        // Exactly one purpose is granted for credit-risk, so it is the default.
        var defaulted = await client.InferAsync(V2Requests.CreditRisk());
        Assert.Equal(HttpStatusCode.OK, defaulted.StatusCode);

        var granted = await client.InferAsync(WithPurpose("fairness-research"));
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);

        var notGranted = await client.InferAsync(WithPurpose("credit-decision-support"));
        Assert.Equal(HttpStatusCode.Forbidden, notGranted.StatusCode);
        Assert.Contains("not granted", await notGranted.ErrorAsync());

        var prohibited = await client.InferAsync(WithPurpose("marketing"));
        Assert.Equal(HttpStatusCode.Forbidden, prohibited.StatusCode);
        Assert.Contains("prohibited", await prohibited.ErrorAsync());

        var header = new HttpRequestMessage(HttpMethod.Post, "/v2/models/credit-risk/infer") { Content = V2Requests.Json(V2Requests.CreditRisk()) };
        header.Headers.Add("X-Warden-Purpose", "automated-final-denial");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(header)).StatusCode);

        var keyWithoutDefault = await CreateAsync(factory, new { name = "d", role = "consumer", models = new[] { "credit-risk" } });
        var missing = await factory.Authorized(keyWithoutDefault).InferAsync(V2Requests.CreditRisk());
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Contains("requires a declared purpose", await missing.ErrorAsync());

        // Intended uses of the card apply to a key without explicit purposes.
        Assert.Equal(HttpStatusCode.OK, (await factory.Authorized(keyWithoutDefault).InferAsync(WithPurpose("credit-decision-support"))).StatusCode);

        // The bootstrap admin key is not purpose-bound.
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin().InferAsync(WithPurpose("marketing"))).StatusCode);

        var usage = await (await factory.Admin().GetAsync("/api/usage?since=1h&model=credit-risk")).ReadJsonAsync();
        Assert.Equal(4, usage.GetProperty("totals").GetProperty("violations").GetInt64());
        Assert.Equal(4, usage.GetProperty("totals").GetProperty("errors").GetInt64());
        Assert.Equal(8, usage.GetProperty("totals").GetProperty("requests").GetInt64());

        var violations = await WaitForAuditAsync(factory, "policy.violation", 4);
        Assert.Equal(4, violations);

        // Refusals by reason: the four purpose refusals by the usage policy, and one request whose row does not fit the model.
        var row = V2Requests.CreditRisk();
        row["inputs"]!.AsArray().RemoveAt(0);
        var malformed = await factory.Admin().InferAsync(row);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var refusals = await (await factory.Admin().GetAsync("/api/usage/refusals?since=1h&model=credit-risk")).ReadJsonAsync();
        Assert.Equal(5, refusals.GetProperty("total").GetInt64());
        var reasons = refusals.GetProperty("reasons").EnumerateArray()
            .Select(r => (r.GetProperty("reason").GetString(), r.GetProperty("status").GetInt32(), r.GetProperty("count").GetInt64())).ToList();
        Assert.Equal([("usage_policy", 403, 4L), ("bind", 400, 1L)], reasons);
        Assert.Equal(HttpStatusCode.BadRequest, (await factory.Admin().GetAsync("/api/usage/refusals?since=soon")).StatusCode);
    }

    private static async Task<int> WaitForAuditAsync(WardenFactory factory, string action, int expected)
    {
        var count = 0;
        for (var attempt = 0; attempt < 100 && count < expected; attempt++)
        {
            var page = await (await factory.Admin().GetAsync("/api/audit?limit=1000")).ReadJsonAsync();
            count = page.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("action").GetString() == action);
            if (count < expected)
            {
                await Task.Delay(50);
            }
        }

        return count;
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Warden.Server.Tests.Infrastructure;
using static Warden.Server.Tests.Policies.PolicyTestKeys;

namespace Warden.Server.Tests.Policies;

/// <summary>
/// Issue 17 item 1: <c>/explain</c> returns the model's output at the cost of ~400k model runs, so it passes the same
/// controls as <c>/infer</c>. Before, a key with <c>rateLimit 1, burst 3, dailyQuota 5</c> and a prohibited purpose got
/// 12 × 200 from it, and no row reached extraction monitoring.
/// </summary>
public sealed class ExplainUsageControlsTests
{
    [Fact]
    public async Task Explain_with_a_prohibited_purpose_is_refused_sync_and_async_and_recorded_as_a_violation()
    {
        using var factory = new WardenFactory();
        await PutSettingsAsync(factory, "credit-risk", "usage-policy", """{"requirePurpose": true}""");
        var key = await CreateAsync(factory, new { name = "c", role = "consumer", models = new[] { "credit-risk" } });
        using var client = factory.Authorized(key);

        using var sync = await client.PostAsync("/v2/models/credit-risk/explain", V2Requests.Json(WithPurpose("marketing")));
        using var queued = await client.PostAsync("/v2/models/credit-risk/explain?async=true", V2Requests.Json(WithPurpose("marketing")));
        using var missing = await client.PostAsync("/v2/models/credit-risk/explain", V2Requests.Json(V2Requests.CreditRisk()));

        Assert.Equal(HttpStatusCode.Forbidden, sync.StatusCode);
        Assert.Contains("prohibited", await sync.ErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, queued.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        var usage = await (await factory.Admin().GetAsync("/api/usage?since=1h&model=credit-risk")).ReadJsonAsync();
        Assert.Equal(3, usage.GetProperty("totals").GetProperty("violations").GetInt64());
    }

    [Fact]
    public async Task The_issue_key_gets_one_explanation_and_then_429s_because_an_explanation_costs_more_than_one_request()
    {
        using var factory = new WardenFactory();
        var key = await CreateAsync(factory, new
        {
            name = "c", role = "consumer", models = new[] { "credit-risk" }, rateLimit = 1.0, burst = 3, dailyQuota = 5,
        });
        using var client = factory.Authorized(key);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            var url = i % 2 == 0 ? "/v2/models/credit-risk/explain" : "/v2/models/credit-risk/explain?async=true";
            using var response = await client.PostAsync(url, V2Requests.Json(V2Requests.CreditRisk()));
            statuses.Add(response.StatusCode);
        }

        // The first explanation takes the whole daily quota (cost 10, charged at most the quota's 5): every later call is 429.
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.All(statuses.Skip(1), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
    }

    [Fact]
    public async Task Explanation_cost_is_configurable_and_reported_in_the_rate_limit_headers()
    {
        using var factory = new WardenFactory();
        factory.Settings["Warden:RateLimits:ExplanationCost"] = "4";
        var key = await CreateAsync(factory, new { name = "c", role = "consumer", models = new[] { "credit-risk" }, dailyQuota = 6 });
        using var client = factory.Authorized(key);

        using var explained = await client.PostAsync("/v2/models/credit-risk/explain?async=true", V2Requests.Json(V2Requests.CreditRisk()));
        Assert.Equal(HttpStatusCode.Accepted, explained.StatusCode);
        Assert.Equal("2", explained.Headers.GetValues("RateLimit-Remaining").Single());
        Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
    }

    [Fact]
    public async Task Explained_rows_reach_extraction_monitoring_usage_counts_and_the_audit_chain()
    {
        using var factory = new WardenFactory();
        await PutSettingsAsync(factory, "credit-risk", "abuse-policy", """{"extraction": true}""");
        var key = await CreateAsync(factory, new { name = "c", role = "consumer", models = new[] { "credit-risk" } });
        using var client = factory.Authorized(key);

        using var sync = await client.PostAsync("/v2/models/credit-risk/explain", V2Requests.Json(V2Requests.CreditRisk()));
        using var queued = await client.PostAsync("/v2/models/credit-risk/explain?async=true", V2Requests.Json(V2Requests.CreditRisk()));
        Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);

        var processed = 0L;
        var explains = 0;
        using var admin = factory.Admin();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!timeout.IsCancellationRequested && (processed < 2 || explains < 2))
        {
            processed = (await (await admin.GetAsync("/api/abuse/alerts")).ReadJsonAsync()).GetProperty("processed").GetInt64();
            var audit = await (await admin.GetAsync("/api/audit?limit=1000")).ReadJsonAsync();
            explains = audit.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("action").GetString() == "model.explain");
            await Task.Delay(25);
        }

        Assert.Equal(2, processed);
        Assert.Equal(2, explains);
        var usage = await (await admin.GetAsync("/api/usage?since=1h&model=credit-risk")).ReadJsonAsync();
        Assert.Equal(2, usage.GetProperty("totals").GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task A_plain_explain_without_warden_settings_still_works_for_a_consumer()
    {
        using var factory = new WardenFactory();
        var key = await CreateAsync(factory, new { name = "c", role = "consumer", models = new[] { "credit-risk" } });
        using var response = await factory.Authorized(key).PostAsync("/v2/models/credit-risk/explain", V2Requests.Json(V2Requests.CreditRisk(parameters: new JsonObject())));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("RateLimit-Limit"));
    }
}

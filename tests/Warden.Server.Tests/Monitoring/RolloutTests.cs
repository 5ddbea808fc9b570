using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Warden.Contracts.Admin;
using Warden.Contracts.Monitoring;
using Warden.Core.Monitoring;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Monitoring;

/// <summary>Shadow traffic, canary routing with automatic rollback, and the challenger promotion gate.</summary>
public sealed class RolloutTests : IDisposable
{
    private readonly WardenFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static async Task DeployVersion2Async(HttpClient admin)
    {
        var card = await File.ReadAllTextAsync(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/card.json"));
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/models/credit-risk/versions", Deploy.Form(Deploy.CreditRiskOnnx(), card))).StatusCode);
    }

    private static async Task PutRolloutAsync(HttpClient admin, string json) =>
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/models/credit-risk/settings/rollout", V2Requests.Raw(json))).StatusCode);

    [Fact]
    public async Task Shadow_answers_are_logged_not_returned_and_gate_promotion_until_enough_labels()
    {
        var admin = _factory.Admin();
        await DeployVersion2Async(admin);
        await PutRolloutAsync(admin, """{"shadow":"2","challenger":{"metrics":["accuracy","recall"],"minLabelled":80}}""");
        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 100), "sh");
        Assert.All(served, s => Assert.Equal("1", s.Version));
        await HmdaTraffic.WaitLoggedAsync(admin, 200);

        var report = await admin.GetFromJsonAsync<RolloutReport>("/api/models/credit-risk/rollout/report");
        Assert.Equal(("shadow", "1", "2", 100, 100), (report!.Mode, report.Champion, report.Challenger, report.ChampionRequests, report.ChallengerRequests));

        // Same ONNX bytes in both versions: every shadow answer equals the production answer.
        Assert.Equal(1.0, report.Agreement);
        Assert.Equal(0.0, report.MeanAbsScoreDifference);

        await HmdaTraffic.LabelAsync(admin, served.Take(50).ToList());
        var refused = await admin.PostAsJsonAsync("/api/models/credit-risk/versions/2/promote", new StageChangeRequest());
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("challenger: too few labelled predictions to compare (champion 50, challenger 50, need 80 each)", await refused.ErrorAsync());

        await HmdaTraffic.LabelAsync(admin, served);
        report = await admin.GetFromJsonAsync<RolloutReport>("/api/models/credit-risk/rollout/report");
        var accuracy = served.Count(s => s.Label == (s.Applicant.Deny == "yes")) / 100.0;
        Assert.Equal((100, 100), (report!.ChampionLabelled, report.ChallengerLabelled));
        Assert.Equal(accuracy, report.Metrics["accuracy"].Champion!.Value, 12);
        Assert.Equal(accuracy, report.Metrics["accuracy"].Challenger!.Value, 12);
        var deniedServed = served.Where(s => s.Applicant.Deny == "yes").ToList();
        Assert.Equal(deniedServed.Count(s => s.Label) / (double)deniedServed.Count, report.Metrics["recall"].Challenger!.Value, 12);

        var promoted = await admin.PostAsJsonAsync("/api/models/credit-risk/versions/2/promote", new StageChangeRequest());
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
    }

    [Fact]
    public async Task Challenger_gate_refuses_a_version_that_was_never_compared()
    {
        var admin = _factory.Admin();
        await DeployVersion2Async(admin);
        await PutRolloutAsync(admin, """{"challenger":{"metrics":["accuracy"]}}""");
        var refused = await admin.PostAsJsonAsync("/api/models/credit-risk/versions/2/promote", new StageChangeRequest());
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("was not compared with champion 1", await refused.ErrorAsync());
    }

    [Fact]
    public async Task Canary_takes_its_share_by_request_id_and_named_versions_are_never_rerouted()
    {
        var admin = _factory.Admin();
        await DeployVersion2Async(admin);
        await PutRolloutAsync(admin, """{"canary":{"version":"2","percent":30}}""");
        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 200), "can");
        var expected = served.Count(s => RolloutInterceptor.InCanary(s.Id, 30));
        Assert.Equal(expected, served.Count(s => s.Version == "2"));
        Assert.All(served, s => Assert.Equal(RolloutInterceptor.InCanary(s.Id, 30) ? "2" : "1", s.Version));

        // 3 standard deviations of a binomial(200, 0.3) share: 3·√(200·0.3·0.7) ≈ 19.4.
        Assert.InRange(expected, 60 - 20, 60 + 20);
        var pinned = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 30), "pin", version: "1");
        Assert.All(pinned, s => Assert.Equal("1", s.Version));
    }

    [Fact]
    public async Task Sticky_canary_keeps_each_key_on_one_version()
    {
        var admin = _factory.Admin();
        await DeployVersion2Async(admin);
        await PutRolloutAsync(admin, """{"canary":{"version":"2","percent":50,"sticky":true}}""");
        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 40), "sticky");
        Assert.Single(served.Select(s => s.Version).Distinct());
    }

    [Fact]
    public async Task Canary_breaching_latency_during_the_bake_is_rolled_back_and_after_the_bake_is_kept()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };
        _factory.Time = time;
        _factory.Settings["Warden:Monitoring:TickSeconds"] = "86400";
        var admin = _factory.Admin();
        await DeployVersion2Async(admin);
        var guard = _factory.Services.GetRequiredService<CanaryGuard>();

        // Every clock read advances the fake clock 1 ms, so each canary answer takes at least 1 ms: above a 0.5 ms p99 bound.
        await PutRolloutAsync(admin, """{"canary":{"version":"2","percent":100,"maxP99Ms":0.5,"bakeMinutes":30,"minRequests":10}}""");
        await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 5), "few");
        Assert.Empty(await guard.CheckAsync(null, TestContext.Current.CancellationToken));
        await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 10), "bake");
        Assert.Equal(["credit-risk"], await guard.CheckAsync(null, TestContext.Current.CancellationToken));
        var after = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 10), "after");
        Assert.All(after, s => Assert.Equal("1", s.Version));
        var entries = (await admin.GetFromJsonAsync<Page<AuditEntryInfo>>("/api/audit?limit=1000"))!.Items;
        var rollback = Assert.Single(entries, e => e.Action == CanaryGuard.RolledBackEvent);
        Assert.Contains("p99 latency", rollback.Details.GetProperty("breaches")[0].GetString());

        // A new plan starts a new bake; once 30 minutes have passed, the same breach no longer rolls back.
        await PutRolloutAsync(admin, """{"canary":{"version":"2","percent":100,"maxP99Ms":0.5,"bakeMinutes":30,"minRequests":10}}""");
        await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 10), "late");
        time.Advance(TimeSpan.FromMinutes(31));
        Assert.Empty(await guard.CheckAsync(null, TestContext.Current.CancellationToken));
        Assert.All(await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 3), "kept"), s => Assert.Equal("2", s.Version));
    }

    [Fact]
    public async Task Invalid_rollout_plan_is_rejected()
    {
        var response = await _factory.Admin().PutAsync("/api/models/credit-risk/settings/rollout", V2Requests.Raw("""{"canary":{"version":"2","percent":140},"challenger":{"metrics":["vibes"]}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.ErrorAsync();
        Assert.Contains("percent", error);
        Assert.Contains("vibes", error);
    }
    [Fact]
    public async Task Canary_or_shadow_on_an_archived_or_unknown_version_is_refused_at_put_naming_the_version()
    {
        var admin = _factory.Admin();
        await DeployVersion2Async(admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/api/models/credit-risk/versions/2/promote", new StageChangeRequest { Stage = "archived" })).StatusCode);

        var archived = await admin.PutAsync("/api/models/credit-risk/settings/rollout", V2Requests.Raw("""{"canary":{"version":"2","percent":40}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, archived.StatusCode);
        Assert.Contains("canary version '2'", await archived.ErrorAsync());
        var unknown = await admin.PutAsync("/api/models/credit-risk/settings/rollout", V2Requests.Raw("""{"shadow":"9"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("shadow version '9'", await unknown.ErrorAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/models/credit-risk/settings/rollout")).StatusCode);
    }

    [Fact]
    public async Task Canary_whose_version_is_archived_after_the_plan_counts_its_failures_and_is_rolled_back()
    {
        _factory.Settings["Warden:Monitoring:TickSeconds"] = "86400";
        var admin = _factory.Admin();
        await DeployVersion2Async(admin);
        await PutRolloutAsync(admin, """{"canary":{"version":"2","percent":100,"maxErrorRate":0.1,"minRequests":5}}""");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/api/models/credit-risk/versions/2/promote", new StageChangeRequest { Stage = "archived" })).StatusCode);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await admin.InferAsync(V2Requests.CreditRisk(id: $"gone-{i}"))).StatusCode);
        }

        var report = await admin.GetFromJsonAsync<RolloutReport>("/api/models/credit-risk/rollout/report");
        Assert.Equal(1.0, report!.ChallengerErrorRate);
        Assert.Equal(["credit-risk"], await _factory.Services.GetRequiredService<CanaryGuard>().CheckAsync(null, TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk(id: "after-rollback"))).StatusCode);
    }

    [Fact]
    public async Task Canary_report_counts_only_traffic_since_the_canary_started()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };
        _factory.Time = time;
        _factory.Settings["Warden:Monitoring:TickSeconds"] = "86400";
        var admin = _factory.Admin();
        await DeployVersion2Async(admin);
        await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 60), "before");
        await HmdaTraffic.WaitLoggedAsync(admin, 60, () => time.Advance(TimeSpan.FromSeconds(1)));
        time.Advance(TimeSpan.FromMinutes(5));

        await PutRolloutAsync(admin, """{"canary":{"version":"2","percent":50}}""");
        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(60, 40), "during");
        await HmdaTraffic.WaitLoggedAsync(admin, 100, () => time.Advance(TimeSpan.FromSeconds(1)));

        var report = await admin.GetFromJsonAsync<RolloutReport>("/api/models/credit-risk/rollout/report");
        Assert.Equal((served.Count(s => s.Version == "1"), served.Count(s => s.Version == "2")), (report!.ChampionRequests, report.ChallengerRequests));
    }
}

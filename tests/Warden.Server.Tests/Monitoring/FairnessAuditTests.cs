using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Warden.Contracts.Admin;
using Warden.Contracts.Monitoring;
using Warden.Core.Events;
using Warden.Core.Fairness;
using Warden.Core.Monitoring;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Monitoring;

/// <summary>Fairness audits over logged, labelled traffic; the fairness promotion gate; scheduled audits.</summary>
public sealed class FairnessAuditTests : IDisposable
{
    private const string FailingPolicy = """
        {"rules":[{"metric":"demographic_parity_difference","max":0.0001}],"privileged":{"afam":"no"},"minGroupSize":5,"bootstrap":0,"interval":"1h","labelWindow":"7d"}
        """;

    private readonly WardenFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Live_report_group_rates_match_counts_of_the_served_predictions()
    {
        var admin = _factory.Admin();
        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 400), "live");
        await HmdaTraffic.LabelAsync(admin, served);

        var response = await admin.PostAsJsonAsync("/api/models/credit-risk/fairness/reports",
            new FairnessAuditRequest { Since = "7d", Privileged = new() { ["afam"] = "no" }, Threshold = 0.2, PositiveLabel = "yes", Bootstrap = 0, MinGroupSize = 5 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var info = await response.Content.ReadFromJsonAsync<FairnessAuditInfo>();
        Assert.Equal(400, info!.Rows);
        Assert.Null(info.Passed);
        var report = FairnessReportJson.Deserialize(info.Report!.Value.GetRawText());

        // Independent computation: count the served probabilities ≥ 0.2 and the denials per afam group.
        double Rate(string afam, Func<HmdaTraffic.Served, bool> hit, Func<HmdaTraffic.Served, bool>? among = null)
        {
            var rows = served.Where(s => s.Applicant.Afam == afam && (among?.Invoke(s) ?? true)).ToList();
            return (double)rows.Count(hit) / rows.Count;
        }

        var afam = report.Section("afam")!;
        foreach (var value in new[] { "yes", "no" })
        {
            var group = afam.Groups.Single(g => g.Values["afam"] == value);
            Assert.Equal(served.Count(s => s.Applicant.Afam == value), group.Count);
            Assert.Equal(Rate(value, s => s.Probability >= 0.2), group.SelectionRate.Value!.Value, 12);
            Assert.Equal(Rate(value, s => s.Applicant.Deny == "yes"), group.BaseRate.Value!.Value, 12);
            Assert.Equal(Rate(value, s => s.Probability >= 0.2, s => s.Applicant.Deny == "yes"), group.TruePositiveRate.Value!.Value, 12);
        }

        var srYes = Rate("yes", s => s.Probability >= 0.2);
        var srNo = Rate("no", s => s.Probability >= 0.2);
        Assert.Equal(srYes / srNo, afam.Find("disparate_impact")!.Value!.Value, 12);
        Assert.Equal(Math.Abs(srYes - srNo), afam.Find("demographic_parity_difference")!.Value!.Value, 12);

        var list = await admin.GetFromJsonAsync<List<FairnessAuditInfo>>("/api/models/credit-risk/fairness/reports");
        Assert.Equal(info.Id, Assert.Single(list!).Id);
        Assert.Null(list![0].Report);
        var markdown = await admin.GetStringAsync($"/api/models/credit-risk/fairness/reports/{info.Id}?format=md");
        Assert.Contains("afam", markdown);
        var html = await admin.GetStringAsync($"/api/models/credit-risk/fairness/reports/{info.Id}?format=html");
        Assert.StartsWith("<!DOCTYPE html>", html.TrimStart(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Rows_without_the_sensitive_attribute_are_left_out_and_counted()
    {
        var admin = _factory.Admin();
        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 120), "attr");
        var anonymous = HmdaTraffic.Load(120, 30);
        for (var i = 0; i < anonymous.Count; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk(anonymous[i].Inputs, $"anon-{i}"))).StatusCode);
        }

        await HmdaTraffic.LabelAsync(admin, served);
        var labels = new { items = anonymous.Select((a, i) => new { id = $"anon-{i}", label = a.Deny }).ToList() };
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var posted = await (await admin.PostAsJsonAsync("/api/models/credit-risk/feedback", labels)).Content.ReadFromJsonAsync<JsonElement>();
            if (posted.GetProperty("matched").GetInt32() == anonymous.Count)
            {
                break;
            }

            await Task.Delay(25);
        }

        var response = await admin.PostAsJsonAsync("/api/models/credit-risk/fairness/reports",
            new FairnessAuditRequest { Since = "7d", Privileged = new() { ["afam"] = "no" }, Threshold = 0.2, Bootstrap = 0, MinGroupSize = 5 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var info = await response.Content.ReadFromJsonAsync<FairnessAuditInfo>();
        var report = FairnessReportJson.Deserialize(info!.Report!.Value.GetRawText());
        Assert.Equal(120, info.Rows);
        Assert.Equal(30, report.Dataset.ExcludedMissingSensitive);
        Assert.Equal(["no", "yes"], report.Section("afam")!.Groups.Select(g => g.Values["afam"]).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{"sensitiveFeatures":["afam","afam"]}""", "twice")]
    [InlineData("""{"sensitiveFeatures":[null]}""", "sensitiveFeatures")]
    [InlineData("""{"sensitiveFeatures":[""]}""", "sensitiveFeatures")]
    [InlineData("""{"sensitiveFeatures":["afam"],"privileged":{"afam":"martian"},"bootstrap":0}""", "martian")]
    public async Task Malformed_audit_requests_are_400_naming_the_problem(string body, string named)
    {
        var admin = _factory.Admin();
        await HmdaTraffic.LabelAsync(admin, await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 20), "bad"));
        var response = await admin.PostAsync("/api/models/credit-risk/fairness/reports", V2Requests.Raw(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, await response.ErrorAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Label_output_is_the_prediction_when_no_threshold_is_given()
    {
        var admin = _factory.Admin();
        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 120), "label");
        await HmdaTraffic.LabelAsync(admin, served);
        var info = await (await admin.PostAsJsonAsync("/api/models/credit-risk/fairness/reports", new FairnessAuditRequest { PositiveLabel = "yes", Bootstrap = 0, MinGroupSize = 1 }))
            .Content.ReadFromJsonAsync<FairnessAuditInfo>();
        var report = FairnessReportJson.Deserialize(info!.Report!.Value.GetRawText());
        Assert.Equal((double)served.Count(s => s.Label) / served.Count, report.Overall.SelectionRate.Value!.Value, 12);
    }

    [Fact]
    public async Task Audit_without_labels_is_400_with_a_hint()
    {
        var response = await _factory.Admin().PostAsJsonAsync("/api/models/credit-risk/fairness/reports", new FairnessAuditRequest { Since = "1d" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("feedback", await response.ErrorAsync());
    }

    [Fact]
    public async Task Failing_audit_blocks_promotion_until_an_admin_overrides_with_a_reason()
    {
        var admin = _factory.Admin();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/models/credit-risk/versions", Deploy.Form(Deploy.CreditRiskOnnx(), File.ReadAllText(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/card.json"))))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/models/credit-risk/settings/fairness-policy", V2Requests.Raw(FailingPolicy))).StatusCode);
        var published = _factory.Services.GetRequiredService<EventPublisher>().Published;

        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 300), "gate", version: "2");
        await HmdaTraffic.LabelAsync(admin, served);
        var audit = await (await admin.PostAsJsonAsync("/api/models/credit-risk/fairness/reports", new FairnessAuditRequest { Version = "2", Threshold = 0.2, PositiveLabel = "yes" }))
            .Content.ReadFromJsonAsync<FairnessAuditInfo>();
        Assert.False(audit!.Passed);
        Assert.Contains(audit.Failures, f => f.StartsWith("demographic_parity_difference on afam", StringComparison.Ordinal));
        Assert.True(_factory.Services.GetRequiredService<EventPublisher>().Published > published);

        var refused = await admin.PostAsJsonAsync("/api/models/credit-risk/versions/2/promote", new StageChangeRequest());
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var error = await refused.ErrorAsync();
        Assert.Contains("fairness: demographic_parity_difference", error);

        var noReason = await admin.PostAsJsonAsync("/api/models/credit-risk/versions/2/promote", new StageChangeRequest { Force = true });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);

        var forced = await admin.PostAsJsonAsync("/api/models/credit-risk/versions/2/promote", new StageChangeRequest { Force = true, Reason = "regulator-approved exception #12" });
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        var entries = (await admin.GetFromJsonAsync<Page<AuditEntryInfo>>("/api/audit?limit=1000"))!.Items;
        Assert.Contains(entries, e => e.Action == FairnessAuditService.FailedEvent && e.Target == "credit-risk:2");
        var overrideEntry = Assert.Single(entries, e => e.Action == "model.promote.override");
        Assert.Equal("regulator-approved exception #12", overrideEntry.Details.GetProperty("reason").GetString());
        Assert.Contains("demographic_parity_difference", overrideEntry.Details.GetProperty("failures")[0].GetString());
    }

    [Fact]
    public async Task Only_an_admin_may_force_a_promotion()
    {
        var admin = _factory.Admin();
        var created = await (await admin.PostAsJsonAsync("/api/keys", new CreateKeyRequest { Name = "ci", Role = "deployer" })).Content.ReadFromJsonAsync<CreatedKey>();
        var deployer = _factory.Authorized(created!.Secret);
        var response = await deployer.PostAsJsonAsync("/api/models/credit-risk/versions/1/promote", new StageChangeRequest { Force = true, Reason = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Invalid_policy_is_rejected_naming_the_problems()
    {
        var response = await _factory.Admin().PutAsync("/api/models/credit-risk/settings/fairness-policy",
            V2Requests.Raw("""{"rules":[{"metric":"made_up","min":1}],"interval":"soon"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.ErrorAsync();
        Assert.Contains("made_up", error);
        Assert.Contains("interval", error);
    }

    [Fact]
    public async Task Scheduled_audits_run_once_per_interval_on_the_fake_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        _factory.Time = time;
        _factory.Settings["Warden:PredictionLog:BatchSize"] = "1";

        // The background scheduler would race these direct calls; a one-day tick keeps it out of the hour tested here.
        _factory.Settings["Warden:Monitoring:TickSeconds"] = "86400";
        var admin = _factory.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/models/credit-risk/settings/fairness-policy", V2Requests.Raw(FailingPolicy))).StatusCode);
        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 150), "sched");
        await HmdaTraffic.LabelAsync(admin, served, () => time.Advance(TimeSpan.FromMilliseconds(50)));
        var audits = _factory.Services.GetRequiredService<FairnessAuditService>();

        var first = await audits.RunDueAsync(TestContext.Current.CancellationToken);
        var audit = Assert.Single(first);
        Assert.Equal(("1", "scheduled", "system", 150), (audit.Version, audit.Trigger, audit.Actor, audit.Rows));
        Assert.False(audit.Passed);

        time.Advance(TimeSpan.FromMinutes(59));
        Assert.Empty(await audits.RunDueAsync(TestContext.Current.CancellationToken));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(await audits.RunDueAsync(TestContext.Current.CancellationToken));

        // Labels older than the 7-day window leave the audit: nothing to audit, nothing stored.
        time.Advance(TimeSpan.FromDays(8));
        Assert.Empty(await audits.RunDueAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Scheduler_ticks_on_the_injected_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        _factory.Time = time;
        _factory.Settings["Warden:Monitoring:TickSeconds"] = "60";
        _ = _factory.Admin();
        var scheduler = _factory.Services.GetRequiredService<MonitoringScheduler>();
        Assert.Equal(0, scheduler.Ticks);
        for (var i = 0; i < 200 && scheduler.Ticks == 0; i++)
        {
            time.Advance(TimeSpan.FromSeconds(60));
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.True(scheduler.Ticks >= 1);
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Warden.Contracts.Admin;
using Warden.Contracts.Monitoring;
using Warden.Core.Monitoring;
using Warden.Server.Tests.Infrastructure;
using Warden.Server.Tests.Monitoring;

namespace Warden.Server.Tests.Retraining;

/// <summary>
/// The worked example of docs/continuous-learning.md: shifted traffic → drift alert → retraining job → staging version in
/// shadow → comparison → promotion through the challenger and fairness gates. Set WARDEN_EXAMPLE_OUT to a file to keep the transcript.
/// </summary>
public sealed class ContinuousLearningExampleTests : IDisposable
{
    private readonly WardenFactory _factory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
    private readonly StringBuilder _transcript = new();

    public ContinuousLearningExampleTests()
    {
        _factory.Time = _time;
        _factory.Settings["Warden:Retraining:DataRoots:0"] = Path.GetDirectoryName(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"));
        _factory.Settings["Warden:Monitoring:TickSeconds"] = "86400";
        _factory.Settings["Warden:PredictionLog:BatchSize"] = "1";
    }

    public void Dispose() => _factory.Dispose();

    private void Say(string line)
    {
        _transcript.Append(line).Append('\n');
        if (Environment.GetEnvironmentVariable("WARDEN_EXAMPLE_OUT") is { Length: > 0 } path)
        {
            File.WriteAllText(path, _transcript.ToString());
        }
    }

    private async Task PutAsync(HttpClient admin, string kind, string json)
    {
        Say($"PUT /api/models/credit-risk/settings/{kind} {json}");
        var response = await admin.PutAsync($"/api/models/credit-risk/settings/{kind}", V2Requests.Raw(json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Shifted_traffic_is_detected_retrained_shadowed_and_promoted_through_the_gates()
    {
        var inv = CultureInfo.InvariantCulture;
        var admin = _factory.Admin();
        await PutAsync(admin, "drift-rules", """{"rules":[{"kind":"DriftShareAtLeast","threshold":0.1}],"window":"1h","interval":"30m","minRows":100}""");
        await PutAsync(admin, "retrain-policy", """{"trainingData":"hmda.csv","onDriftAlert":true,"minInterval":"6h","shadow":true}""");
        await PutAsync(admin, "rollout", """{"challenger":{"metrics":["accuracy","roc_auc"],"tolerance":0.01,"minLabelled":100}}""");
        await PutAsync(admin, "fairness-policy",
            """{"rules":[{"metric":"equalized_odds_difference","max":0.35}],"privileged":{"afam":"no"},"minGroupSize":20,"bootstrap":0,"requireAudit":true}""");

        // 1. Traffic moves: payments-to-income +0.2 and loan-to-value ×1.6 on 300 real applicants, whose outcomes arrive as labels.
        var first = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 300), "week1", shift: LiveDriftTests.Shift);
        await HmdaTraffic.LabelAsync(admin, first);
        Say($"sent 300 shifted credit-risk requests (pirat +0.2, lvrat ×1.6) with sensitive.afam, and their 300 true outcomes as feedback");

        // 2. The scheduler evaluates drift-rules: the alert starts a retraining job.
        var scheduler = _factory.Services.GetRequiredService<MonitoringScheduler>();
        await scheduler.TickAsync(TestContext.Current.CancellationToken);
        var audit = (await admin.GetFromJsonAsync<Page<AuditEntryInfo>>("/api/audit?limit=1000"))!.Items;
        var alert = audit.Single(e => e.Action == LiveDriftService.AlertEvent);
        Say($"audit {alert.Action} {alert.Target}: driftShare {alert.Details.GetProperty("driftShare").GetDouble().ToString("0.###", inv)}, "
            + string.Join("; ", alert.Details.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("message").GetString())));

        var job = Assert.Single((await admin.GetFromJsonAsync<List<JsonElement>>("/api/retraining/jobs?model=credit-risk"))!);
        Assert.Equal("drift", job.GetProperty("trigger").GetString());
        var ended = await RetrainingTests.WaitEndedAsync(admin, job.GetProperty("id").GetInt64());
        var finished = ended.GetProperty("job");
        Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        Say($"GET /api/retraining/jobs/{finished.GetProperty("id").GetInt64()} → {finished.GetProperty("status").GetString()}, trigger {finished.GetProperty("trigger").GetString()}, "
            + $"feedbackRows {finished.GetProperty("feedbackRows").GetInt32()}, resultVersion {finished.GetProperty("resultVersion").GetString()}");
        foreach (var line in ended.GetProperty("logs").EnumerateArray())
        {
            Say("  log: " + line.GetProperty("message").GetString());
        }

        var version = finished.GetProperty("resultVersion").GetString()!;
        var card = (await admin.GetFromJsonAsync<JsonElement>($"/api/models/credit-risk/versions/{version}")).GetProperty("card");
        var oldCard = (await admin.GetFromJsonAsync<JsonElement>("/api/models/credit-risk/versions/1")).GetProperty("card");
        Say($"card of version 1: held-out AUC {oldCard.GetProperty("metrics").GetProperty("auc").GetDouble().ToString("0.0000", inv)}; "
            + $"card of version {version}: held-out AUC {card.GetProperty("metrics").GetProperty("auc").GetDouble().ToString("0.0000", inv)}, "
            + $"parent_version {card.GetProperty("parameters").GetProperty("parent_version").GetString()}, feedback_rows {card.GetProperty("parameters").GetProperty("feedback_rows").GetString()}");
        var fairness = (await admin.GetFromJsonAsync<List<JsonElement>>("/api/models/credit-risk/fairness/reports"))!.Single(r => r.GetProperty("version").GetString() == version);
        Say($"fairness report {fairness.GetProperty("id").GetInt64()} (trigger {fairness.GetProperty("trigger").GetString()}, {fairness.GetProperty("rows").GetInt32()} held-out rows): passed {fairness.GetProperty("passed")}");
        var rollout = await admin.GetFromJsonAsync<JsonElement>("/api/models/credit-risk/settings/rollout");
        Assert.Equal(version, rollout.GetProperty("document").GetProperty("shadow").GetString());
        Say($"rollout settings now: {rollout.GetProperty("document").GetRawText()}");

        // 3. The next 300 shifted applicants reach production (version 1) and, as a copy, the shadow; their outcomes arrive.
        _time.Advance(TimeSpan.FromHours(1));
        var second = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(300, 300), "week2", shift: LiveDriftTests.Shift);
        Assert.All(second, s => Assert.Equal("1", s.Version));
        await HmdaTraffic.WaitLoggedAsync(admin, 900);
        await HmdaTraffic.LabelAsync(admin, second);
        var report = (await admin.GetFromJsonAsync<RolloutReport>("/api/models/credit-risk/rollout/report?since=1h"))!;
        Say(string.Create(inv,
            $"GET /api/models/credit-risk/rollout/report?since=1h → mode {report.Mode}, champion {report.Champion} ({report.ChampionRequests} requests, {report.ChampionLabelled} labelled), "
            + $"challenger {report.Challenger} ({report.ChallengerRequests} requests, {report.ChallengerLabelled} labelled), agreement {report.Agreement:0.000}, "
            + $"mean |score difference| {report.MeanAbsScoreDifference:0.000}, p50 {report.ChampionP50Ms:0.00} ms vs {report.ChallengerP50Ms:0.00} ms"));
        foreach (var (metric, values) in report.Metrics)
        {
            Say(string.Create(inv, $"  {metric}: champion {values.Champion:0.0000}, challenger {values.Challenger:0.0000}"));
        }

        // 4. Promotion asks the challenger and fairness gates.
        var promote = await admin.PostAsJsonAsync($"/api/models/credit-risk/versions/{version}/promote", new StageChangeRequest { Reason = "retrained after drift alert" });
        Say($"POST /api/models/credit-risk/versions/{version}/promote → {(int)promote.StatusCode}" + (promote.IsSuccessStatusCode ? "" : ": " + await promote.ErrorAsync()));
        // The gates judge the measured numbers; on this shift the retrained version is not better, so both refuse it.
        var error = promote.IsSuccessStatusCode ? "" : await promote.ErrorAsync();
        if (report.Metrics["accuracy"].Challenger < report.Metrics["accuracy"].Champion - 0.01)
        {
            Assert.Equal(HttpStatusCode.Conflict, promote.StatusCode);
            Assert.Contains("challenger: accuracy", error, StringComparison.Ordinal);
        }

        if (fairness.GetProperty("passed").GetBoolean() == false)
        {
            Assert.Equal(HttpStatusCode.Conflict, promote.StatusCode);
            Assert.Contains("fairness: equalized_odds_difference on afam", error, StringComparison.Ordinal);
        }

        var model = await admin.GetFromJsonAsync<ModelSummary>("/api/models/credit-risk");
        Assert.Equal(promote.IsSuccessStatusCode ? version : "1", model!.ProductionVersion);
        Say($"production version is {model.ProductionVersion}");
        var actions = (await admin.GetFromJsonAsync<Page<AuditEntryInfo>>("/api/audit?limit=1000"))!.Items
            .Where(e => e.Action.StartsWith("retrain.", StringComparison.Ordinal) || e.Action.StartsWith("drift.", StringComparison.Ordinal)
                || e.Action.StartsWith("model.", StringComparison.Ordinal) || e.Action == "reference.update")
            .OrderBy(e => e.Sequence).Select(e => $"{e.Action} {e.Target}");
        Say("audit chain: " + string.Join(" → ", actions));

        Assert.Contains("retrain.succeeded credit-risk:job/1", _transcript.ToString(), StringComparison.Ordinal);
    }
}

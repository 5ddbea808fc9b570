using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Warden.Contracts.Admin;
using Warden.Contracts.Monitoring;
using Warden.Core.Fairness;
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

    /// <summary>From week 1 an upstream system sends payments-to-income as a percentage: 0.29 arrives as 29.</summary>
    internal static double[] PiratAsPercent(double[] inputs)
    {
        var shifted = (double[])inputs.Clone();
        shifted[Array.IndexOf(V2Requests.CreditRiskInputs, "pirat")] *= 100;
        return shifted;
    }

    private static string F(double value, string format = "0.0000") => value.ToString(format, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Shifted_traffic_is_detected_retrained_shadowed_and_promoted_through_the_gates()
    {
        var inv = CultureInfo.InvariantCulture;
        var admin = _factory.Admin();

        // Rules and thresholds chosen before any traffic (docs/continuous-learning.md says why): PSI ≥ 0.2 of any feature and a
        // realised accuracy drop of 5 points alert; the 600 feedback rows weigh as much as the 2,380 file rows (2380 / 600 ≈ 4);
        // the fairness bound is production version 1's own equalized-odds difference on its hold-out (0.302), rounded up to 0.31.
        await PutAsync(admin, "drift-rules",
            """{"rules":[{"kind":"FeaturePsiAtLeast","threshold":0.2},{"kind":"RealisedAccuracyDropAtLeast","threshold":0.05}],"window":"1h","interval":"30m","minRows":100}""");
        await PutAsync(admin, "retrain-policy", """{"trainingData":"hmda.csv","onDriftAlert":true,"minInterval":"6h","shadow":true,"feedbackWeight":4}""");
        await PutAsync(admin, "rollout", """{"challenger":{"metrics":["accuracy","roc_auc"],"tolerance":0.01,"minLabelled":100}}""");
        await PutAsync(admin, "fairness-policy",
            """{"rules":[{"metric":"equalized_odds_difference","max":0.31}],"privileged":{"afam":"no"},"minGroupSize":20,"bootstrap":0,"requireAudit":true}""");

        // Version 1's labelled reference (its training file) lets the drift report estimate (CBPE) and realise its quality.
        var csv = await File.ReadAllTextAsync(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"), TestContext.Current.CancellationToken);
        var put = await admin.PutAsync("/api/models/credit-risk/versions/1/reference?label=deny&positive=yes", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Say("PUT /api/models/credit-risk/versions/1/reference?label=deny&positive=yes (hmda.csv, 2,380 labelled rows) → 200");

        // 1. Week 1: pirat arrives ×100 for 600 real applicants (HMDA rows 1–600), whose true outcomes arrive as labels.
        var first = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 600), "week1", shift: PiratAsPercent);
        await HmdaTraffic.WaitLoggedAsync(admin, 600);
        await HmdaTraffic.LabelAsync(admin, first);
        Say("sent 600 credit-risk requests (HMDA rows 1–600) with pirat as a percentage (×100) and sensitive.afam, and their 600 true outcomes as feedback");
        Say($"version 1 denied {first.Count(s => s.Label)} of 600 (true denials: {first.Count(s => s.Applicant.Deny == "yes")})");

        var drift = await admin.GetFromJsonAsync<JsonElement>("/api/models/credit-risk/drift?since=1h&window=200");
        var performance = drift.GetProperty("performance");
        var pirat = drift.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "pirat");
        var realised = performance.GetProperty("realisedAccuracy").GetDouble();
        var windowAucs = performance.GetProperty("windows").EnumerateArray().Where(w => w.TryGetProperty("rocAuc", out _))
            .Select(w => F(w.GetProperty("rocAuc").GetDouble(), "0.000")).ToList();
        var drifted = drift.GetProperty("features").EnumerateArray().Where(f => f.GetProperty("drifted").GetBoolean())
            .Select(f => $"{f.GetProperty("name").GetString()}: {f.GetProperty("test").GetString()} {F(f.GetProperty("score").GetDouble(), "0.###")}, PSI {F(f.GetProperty("psi").GetDouble(), "0.##")}");
        Assert.True(pirat.GetProperty("drifted").GetBoolean());
        Say($"GET /api/models/credit-risk/drift?since=1h&window=200 → {drift.GetProperty("driftedCount").GetInt32()} of {drift.GetProperty("featureCount").GetInt32()} features drifted "
            + $"({string.Join("; ", drifted)}); "
            + $"performance of version 1: reference accuracy {F(performance.GetProperty("referenceAccuracy").GetDouble())}, AUC {F(performance.GetProperty("referenceRocAuc").GetDouble())}; "
            + $"CBPE estimate {F(performance.GetProperty("estimatedAccuracy").GetDouble())}; realised accuracy {F(realised)}, realised AUC per window [{string.Join(", ", windowAucs)}]");
        Assert.True(realised < performance.GetProperty("referenceAccuracy").GetDouble() - 0.05, "version 1 must lose more than 5 accuracy points on the shifted traffic");

        // 2. The scheduler evaluates drift-rules: the alert starts a retraining job.
        var scheduler = _factory.Services.GetRequiredService<MonitoringScheduler>();
        await scheduler.TickAsync(TestContext.Current.CancellationToken);
        var audit = (await admin.GetFromJsonAsync<Page<AuditEntryInfo>>("/api/audit?limit=1000"))!.Items;
        var alert = audit.Single(e => e.Action == LiveDriftService.AlertEvent);
        Say($"audit {alert.Action} {alert.Target}: "
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
            Say("  log: " + line.GetProperty("message").GetString()!.Replace(Path.GetDirectoryName(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"))!, "samples/data", StringComparison.Ordinal));
        }

        var version = finished.GetProperty("resultVersion").GetString()!;
        var card = (await admin.GetFromJsonAsync<JsonElement>($"/api/models/credit-risk/versions/{version}")).GetProperty("card");
        var parameters = card.GetProperty("parameters");
        Say($"card of version {version}: parent_version {parameters.GetProperty("parent_version").GetString()}, feedback_rows {parameters.GetProperty("feedback_rows").GetString()}, "
            + $"feedback_weight {parameters.GetProperty("feedback_weight").GetString()}, held-out AUC {F(card.GetProperty("metrics").GetProperty("auc").GetDouble())}, "
            + $"feedback_holdout_auc {parameters.GetProperty("feedback_holdout_auc").GetString()}, feedback_holdout_accuracy {parameters.GetProperty("feedback_holdout_accuracy").GetString()}");
        Assert.Equal("4", parameters.GetProperty("feedback_weight").GetString());
        var fairness = (await admin.GetFromJsonAsync<List<JsonElement>>("/api/models/credit-risk/fairness/reports"))!.Single(r => r.GetProperty("version").GetString() == version);
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/models/credit-risk/fairness/reports/{fairness.GetProperty("id").GetInt64()}");
        var afam = FairnessReportJson.Deserialize(detail.GetProperty("report").GetRawText()).Section("afam")!;
        Say($"fairness report {fairness.GetProperty("id").GetInt64()} (trigger {fairness.GetProperty("trigger").GetString()}, {fairness.GetProperty("rows").GetInt32()} held-out rows): "
            + $"equalized_odds_difference on afam {F(afam.Find("equalized_odds_difference")!.Value!.Value, "0.000")} (max 0.31); "
            + string.Join("; ", afam.Groups.Select(g => $"{g.Key}: {g.Count} rows, TPR {F(g.TruePositiveRate.Value ?? double.NaN, "0.000")}, FPR {F(g.FalsePositiveRate.Value ?? double.NaN, "0.000")}"))
            + $"; passed {fairness.GetProperty("passed")}");
        var rollout = await admin.GetFromJsonAsync<JsonElement>("/api/models/credit-risk/settings/rollout");
        Assert.Equal(version, rollout.GetProperty("document").GetProperty("shadow").GetString());
        Say($"rollout settings now: {rollout.GetProperty("document").GetRawText()}");

        // 3. Week 2: 600 new applicants (HMDA rows 601–1200, the same upstream change) reach production (version 1) and, as a copy, the shadow.
        _time.Advance(TimeSpan.FromHours(1));
        var second = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(600, 600), "week2", shift: PiratAsPercent);
        Assert.All(second, s => Assert.Equal("1", s.Version));
        await HmdaTraffic.LabelAsync(admin, second);
        Say("sent 600 new requests (HMDA rows 601–1200, pirat ×100) and their true outcomes; version 1 answers, version 2 sees copies");
        RolloutReport report;
        var polls = 0;
        do
        {
            // Shadow copies reach the prediction log in the background.
            await Task.Delay(polls++ == 0 ? 0 : 25, TestContext.Current.CancellationToken);
            report = (await admin.GetFromJsonAsync<RolloutReport>("/api/models/credit-risk/rollout/report?since=1h"))!;
        }
        while ((report.ChallengerRequests < 600 || report.ChallengerLabelled < 600) && polls < 400);

        Say(string.Create(inv,
            $"GET /api/models/credit-risk/rollout/report?since=1h → mode {report.Mode}, champion {report.Champion} ({report.ChampionRequests} requests, {report.ChampionLabelled} labelled), "
            + $"challenger {report.Challenger} ({report.ChallengerRequests} requests, {report.ChallengerLabelled} labelled), agreement {report.Agreement:0.000}, "
            + $"mean |score difference| {report.MeanAbsScoreDifference:0.000}, p50 {report.ChampionP50Ms:0.00} ms vs {report.ChallengerP50Ms:0.00} ms"));
        foreach (var (metric, values) in report.Metrics)
        {
            Say(string.Create(inv, $"  {metric}: champion {values.Champion:0.0000}, challenger {values.Challenger:0.0000}"));
        }

        Assert.True(report.Metrics["accuracy"].Challenger > report.Metrics["accuracy"].Champion, "the retrained version must be more accurate on new shifted traffic");
        Assert.True(report.Metrics["roc_auc"].Challenger > report.Metrics["roc_auc"].Champion, "the retrained version must rank new shifted traffic better");

        // 4. Promotion asks the challenger and fairness gates.
        await PromoteAsync(admin, version, fairness);

        var model = await admin.GetFromJsonAsync<ModelSummary>("/api/models/credit-risk");
        Assert.Equal(version, model!.ProductionVersion);
        Say($"production version is {model.ProductionVersion}");
        var actions = (await admin.GetFromJsonAsync<Page<AuditEntryInfo>>("/api/audit?limit=1000"))!.Items
            .Where(e => e.Action.StartsWith("retrain.", StringComparison.Ordinal) || e.Action.StartsWith("drift.", StringComparison.Ordinal)
                || e.Action.StartsWith("model.", StringComparison.Ordinal) || e.Action == "reference.update" || e.Action.StartsWith("fairness.", StringComparison.Ordinal))
            .OrderBy(e => e.Sequence).Select(e => $"{e.Action} {e.Target}");
        Say("audit chain: " + string.Join(" → ", actions));

        Assert.Contains("retrain.succeeded credit-risk:job/1", _transcript.ToString(), StringComparison.Ordinal);
        Assert.Contains($"model.promote credit-risk:{version}", _transcript.ToString(), StringComparison.Ordinal);
    }

    private async Task PromoteAsync(HttpClient admin, string version, JsonElement fairness)
    {
        var promote = await admin.PostAsJsonAsync($"/api/models/credit-risk/versions/{version}/promote", new StageChangeRequest { Reason = "retrained after drift alert" });
        Say($"POST /api/models/credit-risk/versions/{version}/promote → {(int)promote.StatusCode}" + (promote.IsSuccessStatusCode ? "" : ": " + await promote.ErrorAsync()));
        Assert.Equal(fairness.GetProperty("passed").GetBoolean(), promote.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
    }
}

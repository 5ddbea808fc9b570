using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Warden.Contracts.Admin;
using Warden.Core.Drift;
using Warden.Core.Monitoring;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Monitoring;

/// <summary>Drift of logged traffic against per-version reference profiles; realised and estimated quality; drift rules.</summary>
public sealed class LiveDriftTests : IDisposable
{
    private readonly WardenFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    /// <summary>Loan-to-value up by 60 % and payments-to-income up by 0.2: a market that moved.</summary>
    internal static double[] Shift(double[] inputs)
    {
        var shifted = (double[])inputs.Clone();
        shifted[0] += 0.2;
        shifted[2] *= 1.6;
        return shifted;
    }

    [Fact]
    public async Task Drift_without_traffic_is_400_and_with_traffic_uses_the_background_reference()
    {
        var admin = _factory.Admin();
        var empty = await admin.GetAsync("/api/models/credit-risk/drift?since=24h");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);

        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 300), "steady");
        await HmdaTraffic.LabelAsync(admin, served);
        var report = DriftReport.FromJson(await admin.GetStringAsync("/api/models/credit-risk/drift?since=24h"));
        Assert.Equal((100, 300, 12), (report.ReferenceRows, report.CurrentRows, report.FeatureCount));
        Assert.Equal("probability", report.Prediction!.Name);
        Assert.All(report.Features, f => Assert.NotNull(f.Psi));
        Assert.Null(report.Performance);

        var reference = await admin.GetFromJsonAsync<JsonElement>("/api/models/credit-risk/versions/1/reference");
        Assert.Equal("background.csv of credit-risk/1", reference.GetProperty("summary").GetProperty("source").GetString());
        Assert.Contains("# ", await admin.GetStringAsync("/api/models/credit-risk/drift?since=24h&format=md"));
        Assert.Contains("<svg", await admin.GetStringAsync("/api/models/credit-risk/drift?since=24h&format=html"));
    }

    [Fact]
    public async Task Shifted_features_drift_and_the_others_keep_their_scores()
    {
        var admin = _factory.Admin();
        var applicants = HmdaTraffic.Load(0, 400);
        await HmdaTraffic.SendAsync(admin, applicants, "shifted", shift: Shift);
        await HmdaTraffic.WaitLoggedAsync(admin, 400);
        var report = DriftReport.FromJson(await admin.GetStringAsync("/api/models/credit-risk/drift?since=1h"));
        Assert.True(report.Features.Single(f => f.Name == "lvrat").Drifted);
        Assert.True(report.Features.Single(f => f.Name == "pirat").Drifted);
        Assert.True(report.Prediction!.Drifted);
        Assert.Contains(report.Alerts, a => a.Rule.Kind == DriftAlertKind.FeaturePsiAtLeast && a.Rule.Feature is null);
    }

    [Fact]
    public async Task Labelled_reference_gives_CBPE_and_realised_accuracy_that_matches_the_served_answers()
    {
        var admin = _factory.Admin();
        var csv = await File.ReadAllTextAsync(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"), TestContext.Current.CancellationToken);
        var put = await admin.PutAsync("/api/models/credit-risk/versions/1/reference?label=deny&positive=yes", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var summary = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(summary.GetProperty("labelled").GetBoolean());
        Assert.Equal(2380, summary.GetProperty("rows").GetInt64());

        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(1000, 250), "quality");
        await HmdaTraffic.WaitLoggedAsync(admin, 250);
        await HmdaTraffic.LabelAsync(admin, served.Take(200).ToList());
        var report = DriftReport.FromJson(await admin.GetStringAsync("/api/models/credit-risk/drift?since=24h&window=100"));
        var performance = report.Performance!;
        Assert.Equal(3, performance.Windows.Count);
        Assert.Equal([100, 100, 50], performance.Windows.Select(w => w.Count));
        Assert.Equal([100, 100, 0], performance.Windows.Select(w => w.LabelledCount));

        // Independent: the share of the 200 labelled answers whose probability ≥ 0.5 agrees with the true outcome.
        var correct = served.Take(200).Count(s => (s.Probability >= 0.5) == (s.Applicant.Deny == "yes"));
        Assert.Equal(correct / 200.0, performance.RealisedAccuracy!.Value, 12);
        Assert.InRange(performance.EstimatedAccuracy, 0.5, 1);

        var entries = (await admin.GetFromJsonAsync<Page<AuditEntryInfo>>("/api/audit?limit=1000"))!.Items;
        Assert.Contains(entries, e => e.Action == "reference.update" && e.Target == "credit-risk:1");
    }

    [Fact]
    public async Task Reference_upload_without_the_inputs_is_rejected()
    {
        var response = await _factory.Admin().PutAsync("/api/models/credit-risk/versions/1/reference", new StringContent("a,b\n1,2\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("lacks input 'pirat'", await response.ErrorAsync());
    }

    [Fact]
    public async Task Drift_rules_alert_once_per_interval_while_shifted_traffic_is_in_the_window()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 1, 12, 0, 0, TimeSpan.Zero));
        _factory.Time = time;
        _factory.Settings["Warden:PredictionLog:BatchSize"] = "1";
        _factory.Settings["Warden:Monitoring:TickSeconds"] = "86400";
        var admin = _factory.Admin();
        var rules = """{"rules":[{"kind":"FeatureDrifted","feature":"lvrat"}],"window":"1h","interval":"30m","minRows":50}""";
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/models/credit-risk/settings/drift-rules", V2Requests.Raw(rules))).StatusCode);
        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 200), "rules", shift: Shift);
        await HmdaTraffic.LabelAsync(admin, served, () => time.Advance(TimeSpan.FromMilliseconds(10)));
        var drift = _factory.Services.GetRequiredService<LiveDriftService>();

        var alerted = Assert.Single(await drift.RunDueAsync(TestContext.Current.CancellationToken));
        Assert.Equal("lvrat", Assert.Single(alerted.Report.Alerts).Rule.Feature);
        Assert.Empty(await drift.RunDueAsync(TestContext.Current.CancellationToken));
        time.Advance(TimeSpan.FromMinutes(30));
        Assert.Single(await drift.RunDueAsync(TestContext.Current.CancellationToken));
        time.Advance(TimeSpan.FromMinutes(61));
        Assert.Empty(await drift.RunDueAsync(TestContext.Current.CancellationToken));

        var entries = (await admin.GetFromJsonAsync<Page<AuditEntryInfo>>("/api/audit?limit=1000"))!.Items;
        Assert.Equal(2, entries.Count(e => e.Action == LiveDriftService.AlertEvent && e.Target == "credit-risk:1"));

        // Both evaluations are stored with the scores of the report the rules saw, for drift over time.
        var history = await (await admin.GetAsync("/api/models/credit-risk/drift/history")).ReadJsonAsync();
        var items = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        var lvrat = alerted.Report.Features.Single(f => f.Name == "lvrat");
        var stored = items[0].GetProperty("features").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "lvrat");
        Assert.Equal(lvrat.Score, stored.GetProperty("score").GetDouble());
        Assert.Equal(lvrat.Threshold, stored.GetProperty("threshold").GetDouble());
        Assert.True(stored.GetProperty("drifted").GetBoolean());
        Assert.Equal(alerted.Report.CurrentRows, items[0].GetProperty("rows").GetInt64());
        Assert.Equal(1, items[0].GetProperty("alerts").GetInt32());
        Assert.True(items[0].GetProperty("time").GetDateTimeOffset() < items[1].GetProperty("time").GetDateTimeOffset());
        Assert.Single((await (await admin.GetAsync("/api/models/credit-risk/drift/history?limit=1")).ReadJsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/models/credit-risk/drift/history?limit=0")).StatusCode);

        // The console's drift page charts them.
        var console = await Warden.Server.Tests.Console.ConsoleSessions.SignInAsync(_factory, WardenFactory.AdminKey);
        var page = await console.GetStringAsync("/drift?model=credit-risk");
        Assert.Contains("2 scheduled evaluations", page, StringComparison.Ordinal);
        Assert.Contains("Share of drifted features per evaluation", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unshifted_fp32_traffic_does_not_drift_from_a_decimal_reference()
    {
        var admin = _factory.Admin();
        var lines = await File.ReadAllLinesAsync(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"), TestContext.Current.CancellationToken);
        var csv = string.Join("\n", lines.Take(401)) + "\n";
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/models/credit-risk/versions/1/reference", new StringContent(csv, Encoding.UTF8, "text/csv"))).StatusCode);
        await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 400), "same");
        await HmdaTraffic.WaitLoggedAsync(admin, 400);

        // The same 400 rows as FP32 tensors: every feature keeps its distribution (unemp = 3.2 arrives as 3.2000000477).
        var report = DriftReport.FromJson(await admin.GetStringAsync("/api/models/credit-risk/drift?since=1h"));
        Assert.All(report.Features, f => Assert.False(f.Drifted, $"{f.Name} drifted ({f.Test} {f.Score})"));
    }

    [Fact]
    public async Task A_drift_evaluation_skipped_for_too_few_rows_does_not_start_the_interval()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 1, 12, 0, 0, TimeSpan.Zero));
        _factory.Time = time;
        _factory.Settings["Warden:PredictionLog:BatchSize"] = "1";
        _factory.Settings["Warden:Monitoring:TickSeconds"] = "86400";
        var admin = _factory.Admin();
        var rules = """{"rules":[{"kind":"FeatureDrifted","feature":"lvrat"}],"window":"1h","interval":"30m","minRows":50}""";
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/models/credit-risk/settings/drift-rules", V2Requests.Raw(rules))).StatusCode);
        var drift = _factory.Services.GetRequiredService<LiveDriftService>();
        var few = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 20), "few", shift: Shift);
        await HmdaTraffic.LabelAsync(admin, few, () => time.Advance(TimeSpan.FromMilliseconds(10)));
        Assert.Empty(await drift.RunDueAsync(TestContext.Current.CancellationToken));

        var more = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(20, 100), "more", shift: Shift);
        await HmdaTraffic.LabelAsync(admin, more, () => time.Advance(TimeSpan.FromMilliseconds(10)));
        Assert.Single(await drift.RunDueAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Unknown_drift_rule_kind_is_rejected()
    {
        var response = await _factory.Admin().PutAsync("/api/models/credit-risk/settings/drift-rules", V2Requests.Raw("""{"rules":[{"kind":"Vibes"}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Vibes", await response.ErrorAsync());
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Warden.Contracts.Admin;
using Warden.Core.Monitoring;
using Warden.Core.Retraining;
using Warden.Server.Tests.Infrastructure;
using Warden.Server.Tests.Monitoring;

namespace Warden.Server.Tests.Retraining;

/// <summary>Retraining jobs: manual runs, cancellation, the label-count, schedule and drift-alert triggers, restart recovery, bad input.</summary>
public sealed class RetrainingTests : IDisposable
{
    private readonly WardenFactory _factory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    public RetrainingTests()
    {
        _factory.Time = _time;
        _factory.Settings["Warden:Retraining:DataRoots:0"] = Path.GetDirectoryName(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"));
        _factory.Settings["Warden:Monitoring:TickSeconds"] = "86400";
        _factory.Settings["Warden:PredictionLog:BatchSize"] = "1";
    }

    public void Dispose() => _factory.Dispose();

    internal static async Task<JsonElement> WaitEndedAsync(HttpClient client, long id)
    {
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            var body = await client.GetFromJsonAsync<JsonElement>($"/api/retraining/jobs/{id}");
            if (!RetrainJobStatus.IsActive(body.GetProperty("job").GetProperty("status").GetString()!))
            {
                return body;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"job {id} did not end");
    }

    private async Task PutPolicyAsync(HttpClient admin, string json) =>
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/models/credit-risk/settings/retrain-policy", V2Requests.Raw(json))).StatusCode);

    private async Task<List<JsonElement>> JobsAsync(HttpClient admin) =>
        (await admin.GetFromJsonAsync<List<JsonElement>>("/api/retraining/jobs?model=credit-risk"))!;

    [Fact]
    public async Task Manual_job_registers_a_staging_version_with_card_reference_profile_and_fairness_report()
    {
        var admin = _factory.Admin();
        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 40), "fb");
        await HmdaTraffic.LabelAsync(admin, served);

        var start = await admin.PostAsJsonAsync("/api/models/credit-risk/retrain", new { trainingData = "hmda.csv", feedbackWeight = 3 }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var id = (await start.ReadJsonAsync()).GetProperty("id").GetInt64();
        var ended = await WaitEndedAsync(admin, id);
        var job = ended.GetProperty("job");
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(1.0, job.GetProperty("progress").GetDouble());
        Assert.Equal(40, job.GetProperty("feedbackRows").GetInt32());
        Assert.Equal("2", job.GetProperty("resultVersion").GetString());
        var logs = ended.GetProperty("logs").EnumerateArray().Select(l => l.GetProperty("message").GetString()!).ToList();
        Assert.Contains(logs, l => l.StartsWith("added 40 labelled feedback row(s)", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.StartsWith("registered version 2 in staging", StringComparison.Ordinal));
        Assert.Equal(3, job.GetProperty("feedbackWeight").GetDouble());
        Assert.Contains(logs, l => l.StartsWith("example weights: file rows 1, feedback rows 3; ", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.StartsWith("held-out feedback rows alone: ", StringComparison.Ordinal));

        var version = await admin.GetFromJsonAsync<JsonElement>("/api/models/credit-risk/versions/2");
        Assert.Equal("staging", version.GetProperty("stage").GetString());
        var card = version.GetProperty("card");
        Assert.Equal("1", card.GetProperty("parameters").GetProperty("parent_version").GetString());
        Assert.Equal("40", card.GetProperty("parameters").GetProperty("feedback_rows").GetString());
        Assert.Equal("3", card.GetProperty("parameters").GetProperty("feedback_weight").GetString());

        // 2,380 file rows + 40 feedback rows; the stratified 20 % hold-out of each class: 2,420 rows, 291 denied (285 + 6 of the 40).
        var denied = 285 + served.Count(s => s.Applicant.Deny == "yes");
        var holdout = (int)Math.Round(denied * 0.2) + (int)Math.Round((2420 - denied) * 0.2);
        Assert.Equal(2420 - holdout, card.GetProperty("trainingData").GetProperty("rows").GetInt32());
        Assert.Equal(holdout, card.GetProperty("trainingData").GetProperty("holdoutRows").GetInt32());
        Assert.InRange(card.GetProperty("metrics").GetProperty("auc").GetDouble(), 0.7, 0.9);

        var reference = await admin.GetFromJsonAsync<JsonElement>("/api/models/credit-risk/versions/2/reference");
        Assert.Equal(2420 - holdout, reference.GetProperty("summary").GetProperty("rows").GetInt32());
        Assert.True(reference.GetProperty("summary").GetProperty("labelled").GetBoolean());

        var report = Assert.Single(await admin.GetFromJsonAsync<List<JsonElement>>("/api/models/credit-risk/fairness/reports", TestContext.Current.CancellationToken) ?? []);
        Assert.Equal("2", report.GetProperty("version").GetString());
        Assert.Equal("retrain", report.GetProperty("trigger").GetString());
        Assert.Equal(holdout, report.GetProperty("rows").GetInt32());

        var audit = (await admin.GetFromJsonAsync<Page<AuditEntryInfo>>("/api/audit?limit=1000"))!.Items.Select(e => e.Action).ToList();
        Assert.Contains("retrain.queue", audit);
        Assert.Contains("retrain.started", audit);
        Assert.Contains("retrain.succeeded", audit);
        Assert.Contains("model.deploy", audit);
    }

    [Fact]
    public async Task Cancelling_a_running_job_ends_it_cancelled_without_a_version()
    {
        var gated = new GatedRetrainer();
        _factory.ExtraServices = s => s.AddSingleton<ModelRetrainer>(gated);
        var admin = _factory.Admin();
        var start = await admin.PostAsJsonAsync("/api/models/credit-risk/retrain", new { trainingData = "hmda.csv" }, TestContext.Current.CancellationToken);
        var id = (await start.ReadJsonAsync()).GetProperty("id").GetInt64();
        await gated.Training.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var running = await admin.GetFromJsonAsync<JsonElement>($"/api/retraining/jobs/{id}");
        Assert.Equal("running", running.GetProperty("job").GetProperty("status").GetString());
        Assert.Equal("training", running.GetProperty("job").GetProperty("phase").GetString());

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/retraining/jobs/{id}/cancel", null)).StatusCode);
        var job = (await WaitEndedAsync(admin, id)).GetProperty("job");
        Assert.Equal("cancelled", job.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("resultVersion").ValueKind);
        var model = await admin.GetFromJsonAsync<JsonElement>("/api/models/credit-risk");
        Assert.Equal(["1"], model.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/retraining/jobs/{id}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task Label_count_trigger_fires_at_N_labels_and_not_at_N_minus_1()
    {
        var admin = _factory.Admin();
        await PutPolicyAsync(admin, """{"trainingData":"hmda.csv","newLabels":30,"maxTrainingRows":300}""");
        var triggers = _factory.Services.GetServices<Warden.Core.Monitoring.IScheduledMonitor>().OfType<RetrainTriggers>().Single();
        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(100, 30), "lbl");
        await HmdaTraffic.LabelAsync(admin, served.Take(29).ToList());
        await triggers.RunDueAsync(TestContext.Current.CancellationToken);
        Assert.Empty(await JobsAsync(admin));

        await HmdaTraffic.LabelAsync(admin, served.Skip(29).ToList());
        await triggers.RunDueAsync(TestContext.Current.CancellationToken);
        var job = Assert.Single(await JobsAsync(admin));
        Assert.Equal("labels", job.GetProperty("trigger").GetString());
        Assert.Equal("succeeded", (await WaitEndedAsync(admin, job.GetProperty("id").GetInt64())).GetProperty("job").GetProperty("status").GetString());

        // The count restarts after the job; the minimum interval also holds automatic jobs back.
        await triggers.RunDueAsync(TestContext.Current.CancellationToken);
        Assert.Single(await JobsAsync(admin));
    }

    [Fact]
    public async Task Schedule_trigger_fires_once_the_interval_has_passed_on_the_clock()
    {
        var admin = _factory.Admin();
        await PutPolicyAsync(admin, """{"trainingData":"hmda.csv","interval":"1d","minInterval":"1h","maxTrainingRows":300}""");
        var scheduler = _factory.Services.GetRequiredService<MonitoringScheduler>();
        await scheduler.TickAsync(TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromHours(23));
        await scheduler.TickAsync(TestContext.Current.CancellationToken);
        Assert.Empty(await JobsAsync(admin));

        _time.Advance(TimeSpan.FromHours(1));
        await scheduler.TickAsync(TestContext.Current.CancellationToken);
        var job = Assert.Single(await JobsAsync(admin));
        Assert.Equal("schedule", job.GetProperty("trigger").GetString());
        await WaitEndedAsync(admin, job.GetProperty("id").GetInt64());

        _time.Advance(TimeSpan.FromHours(12));
        await scheduler.TickAsync(TestContext.Current.CancellationToken);
        Assert.Single(await JobsAsync(admin));
        _time.Advance(TimeSpan.FromHours(12));
        await scheduler.TickAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, (await JobsAsync(admin)).Count);
        await WaitEndedAsync(admin, (await JobsAsync(admin))[0].GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Drift_alert_starts_one_job_and_the_debounce_holds_back_the_next_alert()
    {
        var admin = _factory.Admin();
        await PutPolicyAsync(admin, """{"trainingData":"hmda.csv","onDriftAlert":true,"minInterval":"6h","maxTrainingRows":300,"shadow":true}""");
        var rules = """{"rules":[{"kind":"FeatureDrifted","feature":"lvrat"}],"window":"1h","interval":"30m","minRows":50}""";
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/models/credit-risk/settings/drift-rules", V2Requests.Raw(rules))).StatusCode);
        await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 120), "drift", shift: LiveDriftTests.Shift);
        await HmdaTraffic.WaitLoggedAsync(admin, 120);
        var scheduler = _factory.Services.GetRequiredService<MonitoringScheduler>();
        await scheduler.TickAsync(TestContext.Current.CancellationToken);
        var job = Assert.Single(await JobsAsync(admin));
        Assert.Equal("drift", job.GetProperty("trigger").GetString());
        var ended = (await WaitEndedAsync(admin, job.GetProperty("id").GetInt64())).GetProperty("job");
        Assert.Equal("succeeded", ended.GetProperty("status").GetString());
        var rollout = await admin.GetFromJsonAsync<JsonElement>("/api/models/credit-risk/settings/rollout");
        Assert.Equal(ended.GetProperty("resultVersion").GetString(), rollout.GetProperty("document").GetProperty("shadow").GetString());

        _time.Advance(TimeSpan.FromMinutes(30));
        await scheduler.TickAsync(TestContext.Current.CancellationToken);
        Assert.Single(await JobsAsync(admin));
    }

    [Fact]
    public async Task A_trigger_whose_training_data_is_gone_queues_nothing_and_audits_the_refusal()
    {
        var admin = _factory.Admin();
        await PutPolicyAsync(admin, """{"trainingData":"moved-away.csv","newLabels":1}""");
        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 1), "gone");
        await HmdaTraffic.LabelAsync(admin, served);
        await _factory.Services.GetRequiredService<MonitoringScheduler>().TickAsync(TestContext.Current.CancellationToken);
        Assert.Empty(await JobsAsync(admin));
        var audit = (await admin.GetFromJsonAsync<Page<AuditEntryInfo>>("/api/audit?limit=1000"))!.Items;
        var refused = Assert.Single(audit, e => e.Action == "retrain.refused");
        Assert.Contains("moved-away.csv", refused.Details.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_job_left_running_by_a_stopped_server_is_marked_failed_on_start()
    {
        var admin = _factory.Admin();
        var store = _factory.Services.GetRequiredService<IRetrainJobStore>();
        var stale = await store.AddAsync(
            new RetrainJob(0, "credit-risk", "1", "manual", "someone", RetrainJobStatus.Running, 0.4, "training", _time.GetUtcNow(), _time.GetUtcNow(), null, null, null, "hmda.csv", 0),
            TestContext.Current.CancellationToken);
        await _factory.Services.GetRequiredService<RetrainWorker>().RecoverAsync(TestContext.Current.CancellationToken);
        var body = await admin.GetFromJsonAsync<JsonElement>($"/api/retraining/jobs/{stale.Id}");
        Assert.Equal("failed", body.GetProperty("job").GetProperty("status").GetString());
        Assert.Equal(RetrainWorker.InterruptedReason, body.GetProperty("job").GetProperty("error").GetString());
        Assert.Contains(RetrainWorker.InterruptedReason, body.GetProperty("logs")[0].GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("POST", "/api/models/nope/retrain", """{"trainingData":"hmda.csv"}""", 404)]
    [InlineData("POST", "/api/models/credit-risk/retrain", "{}", 400)]
    [InlineData("POST", "/api/models/credit-risk/retrain", """{"trainingData":"../../../etc/passwd"}""", 400)]
    [InlineData("POST", "/api/models/credit-risk/retrain", """{"trainingData":"/etc/passwd"}""", 400)]
    [InlineData("POST", "/api/models/credit-risk/retrain", """{"trainingData":"missing.csv"}""", 400)]
    [InlineData("POST", "/api/models/credit-risk/retrain", """{"trainingData":""", 400)]
    [InlineData("POST", "/api/models/credit-risk/retrain", """{"trainingData":42}""", 400)]
    [InlineData("GET", "/api/retraining/jobs/999", null, 404)]
    [InlineData("GET", "/api/retraining/jobs/abc", null, 404)]
    [InlineData("POST", "/api/retraining/jobs/999/cancel", null, 404)]
    [InlineData("GET", "/api/retraining/jobs?model=nope", null, 404)]
    [InlineData("PUT", "/api/models/credit-risk/settings/retrain-policy", """{"trainingData":"hmda.csv","newLabels":0}""", 400)]
    [InlineData("PUT", "/api/models/credit-risk/settings/retrain-policy", """{"interval":"soon"}""", 400)]
    [InlineData("PUT", "/api/models/credit-risk/settings/retrain-policy", """{"trainingData":"hmda.csv","feedbackWeight":0.5}""", 400)]
    [InlineData("PUT", "/api/models/credit-risk/settings/retrain-policy", """{"trainingData":"hmda.csv","feedbackWeight":1001}""", 400)]
    [InlineData("POST", "/api/models/credit-risk/retrain", """{"trainingData":"hmda.csv","feedbackWeight":0}""", 400)]
    [InlineData("POST", "/api/models/credit-risk/retrain", """{"trainingData":"hmda.csv","feedbackWeight":1e6}""", 400)]
    public async Task Bad_requests_get_JSON_errors_not_500(string method, string path, string? body, int status)
    {
        var response = await _factory.Admin().SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : V2Requests.Raw(body) });
        Assert.Equal(status, (int)response.StatusCode);
        if (status != 404 || path != "/api/retraining/jobs/abc")
        {
            Assert.EndsWith("json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Training_data_that_is_not_in_HMDA_format_fails_the_job_with_the_reason()
    {
        var admin = _factory.Admin();
        var start = await admin.PostAsJsonAsync("/api/models/credit-risk/retrain", new { trainingData = "cps1985.csv" }, TestContext.Current.CancellationToken);
        var id = (await start.ReadJsonAsync()).GetProperty("id").GetInt64();
        var job = (await WaitEndedAsync(admin, id)).GetProperty("job");
        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains("missing column(s)", job.GetProperty("error").GetString());
        var audit = (await admin.GetFromJsonAsync<Page<AuditEntryInfo>>("/api/audit?limit=1000"))!.Items;
        Assert.Contains(audit, e => e.Action == "retrain.failed");
    }
}

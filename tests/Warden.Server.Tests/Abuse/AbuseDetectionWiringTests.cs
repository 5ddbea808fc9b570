using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Warden.Contracts.Admin;
using Warden.Server.Tests.Infrastructure;
using Warden.Server.Tests.Monitoring;
using Warden.Server.Webhooks;

namespace Warden.Server.Tests.Abuse;

public sealed class AbuseDetectionWiringTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Volume_burst_is_flagged_stored_audited_and_webhooked_while_steady_traffic_is_not_and_alerts_survive_restart()
    {
        using var temp = new TempDataDir();
        var dir = temp.Path;
        var hooks = new RecordingHandler();
        string burstId;
        string steadyId;
        using (var factory = NewFactory(dir, new FakeTimeProvider(Start), hooks))
        {
            var time = (FakeTimeProvider)factory.Time!;
            await PutPolicyAsync(factory, """{"extraction": false, "volume": {"bucketSeconds": 60, "warmupBuckets": 5, "multiplier": 5, "minimumCount": 20}}""");
            var (burst, burstKey) = await CreateKeyAsync(factory, "burst");
            var (steady, steadyKey) = await CreateKeyAsync(factory, "steady");
            (burstId, steadyId) = (burstKey, steadyKey);

            // Ten minutes at 3 requests/minute each: the usual rate (EWMA of closed buckets) is 3.
            var sent = 0;
            for (var minute = 0; minute < 10; minute++)
            {
                for (var i = 0; i < 3; i++)
                {
                    sent += await InferAsync(factory, burst) + await InferAsync(factory, steady);
                }

                time.Advance(TimeSpan.FromMinutes(1));
            }

            // Minute 11: the steady key sends 4 (under max(5 × 3, 20 − 1) = 19), the burst key 40; it is flagged on its 20th.
            for (var i = 0; i < 40; i++)
            {
                sent += await InferAsync(factory, burst) + (i < 4 ? await InferAsync(factory, steady) : 0);
            }

            var page = await WaitProcessedAsync(factory, sent);
            var alert = Assert.Single(page.GetProperty("items").EnumerateArray());
            Assert.Equal("VolumeSpike", alert.GetProperty("kind").GetString());
            Assert.Equal(burstId, alert.GetProperty("keyId").GetString());
            Assert.Equal(20, alert.GetProperty("statistic").GetDouble());
            Assert.Equal(19, alert.GetProperty("threshold").GetDouble());
            Assert.Equal(Start.AddMinutes(10), alert.GetProperty("detectedAt").GetDateTimeOffset());
            Assert.False(alert.GetProperty("suspended").GetBoolean());
            Assert.Equal(HttpStatusCode.OK, (await factory.Authorized(burst).InferAsync(V2Requests.CreditRisk())).StatusCode);

            var audit = await (await factory.Admin().GetAsync("/api/audit?limit=1000")).ReadJsonAsync();
            Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "abuse.alert" && e.GetProperty("target").GetString() == burstId);
            await WaitUntilAsync(() => hooks.Events.Contains("abuse.volume"));
            Assert.DoesNotContain("abuse.extraction", hooks.Events);
        }

        using (var restarted = NewFactory(dir, new FakeTimeProvider(Start.AddMinutes(30)), null))
        {
            var admin = restarted.Admin();
            Assert.Single((await (await admin.GetAsync("/api/abuse/alerts")).ReadJsonAsync()).GetProperty("items").EnumerateArray());
            Assert.Single((await (await admin.GetAsync($"/api/abuse/alerts?model=credit-risk&key={burstId}&since=1h")).ReadJsonAsync()).GetProperty("items").EnumerateArray());
            Assert.Empty((await (await admin.GetAsync($"/api/abuse/alerts?key={steadyId}")).ReadJsonAsync()).GetProperty("items").EnumerateArray());
            Assert.Empty((await (await admin.GetAsync("/api/abuse/alerts?model=other")).ReadJsonAsync()).GetProperty("items").EnumerateArray());
            Assert.Empty((await (await admin.GetAsync("/api/abuse/alerts?since=10m")).ReadJsonAsync()).GetProperty("items").EnumerateArray());
            Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/abuse/alerts?since=yesterday-ish")).StatusCode);
        }
    }

    [Fact]
    public async Task One_feature_sweep_is_flagged_and_suspended_while_real_applicants_are_not()
    {
        using var temp = new TempDataDir();
        var dir = temp.Path;
        var hooks = new RecordingHandler();
        using var factory = NewFactory(dir, new FakeTimeProvider(Start), hooks);
        await PutPolicyAsync(factory, """{"extraction": false, "sweep": {"minimumRun": 10, "maxStep": 0.5}, "suspendOnAlert": true}""");
        var (sweeper, sweeperId) = await CreateKeyAsync(factory, "sweeper");
        var (benign, _) = await CreateKeyAsync(factory, "benign");

        var sent = 0;
        foreach (var applicant in HmdaTraffic.Load(skip: 0, take: 60))
        {
            Assert.Equal(HttpStatusCode.OK, (await factory.Authorized(benign).InferAsync(V2Requests.CreditRisk(applicant.Inputs))).StatusCode);
            sent++;
        }

        // The sweep steps lvrat (index 2) up by 0.02 from 0.5, all else fixed: flagged on the 10th query, then revoked.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30 && (statuses.Count == 0 || statuses[^1] == HttpStatusCode.OK); i++)
        {
            var row = (double[])V2Requests.Applicant.Clone();
            row[2] = 0.5 + (0.02 * i);
            var response = await factory.Authorized(sweeper).InferAsync(V2Requests.CreditRisk(row));
            statuses.Add(response.StatusCode);
            sent += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            await Task.Delay(i >= 9 ? 30 : 0);
        }

        var page = await WaitProcessedAsync(factory, sent);
        var alert = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal("FeatureSweep", alert.GetProperty("kind").GetString());
        Assert.Equal(sweeperId, alert.GetProperty("keyId").GetString());
        Assert.Equal(10, alert.GetProperty("queryCount").GetInt64());
        Assert.Contains("feature 2 (increasing", alert.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(alert.GetProperty("suspended").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, statuses[^1]);
        Assert.Equal(HttpStatusCode.OK, (await factory.Authorized(benign).InferAsync(V2Requests.CreditRisk())).StatusCode);
        await WaitUntilAsync(() => hooks.Events.Contains("abuse.sweep"));

        // An admin reinstates it: the key works again, the monitor watches it afresh, and the audit chain says who and why.
        var monitor = factory.Services.GetRequiredService<Warden.Core.Abuse.AbuseMonitor>();
        Assert.True(monitor.IsSuspended(sweeperId));
        var keys = await factory.Admin().GetFromJsonAsync<List<ApiKeyInfo>>("/api/keys", TestContext.Current.CancellationToken);
        Assert.NotNull(keys!.Single(k => k.Id == sweeperId).SuspendedAt);
        var reinstated = await factory.Admin().PostAsJsonAsync($"/api/keys/{sweeperId}/reinstate", new { reason = "pricing study agreed with the customer" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, reinstated.StatusCode);
        var info = (await reinstated.Content.ReadFromJsonAsync<ApiKeyInfo>(TestContext.Current.CancellationToken))!;
        Assert.Null(info.RevokedAt);
        Assert.Null(info.SuspendedAt);
        Assert.False(monitor.IsSuspended(sweeperId));
        Assert.Equal(HttpStatusCode.OK, (await factory.Authorized(sweeper).InferAsync(V2Requests.CreditRisk())).StatusCode);
        var audit = await (await factory.Admin().GetAsync("/api/audit?limit=1000")).ReadJsonAsync();
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "key.suspend" && e.GetProperty("target").GetString() == sweeperId);
        var entry = audit.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("action").GetString() == "key.reinstate");
        Assert.Equal(sweeperId, entry.GetProperty("target").GetString());
        Assert.Contains("pricing study", entry.GetProperty("details").ToString(), StringComparison.Ordinal);

        // Not suspended any more: a second reinstatement is a conflict; a revoked key is never reinstated; unknown keys are 404.
        Assert.Equal(HttpStatusCode.Conflict, (await factory.Admin().PostAsync($"/api/keys/{sweeperId}/reinstate", null, TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await factory.Admin().DeleteAsync($"/api/keys/{sweeperId}", TestContext.Current.CancellationToken)).StatusCode);
        var revoked = await factory.Admin().PostAsync($"/api/keys/{sweeperId}/reinstate", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, revoked.StatusCode);
        Assert.Contains("revocation is final", await revoked.ErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin().PostAsync("/api/keys/nope/reinstate", null, TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Invalid_volume_and_sweep_sections_are_refused()
    {
        using var factory = new WardenFactory();
        var bad = await factory.Admin().PutAsync("/api/models/credit-risk/settings/abuse-policy", V2Requests.Raw("""{"volume": {"multiplier": 1}, "sweep": {"minimumRun": 2}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var message = await bad.Content.ReadAsStringAsync();
        Assert.Contains("volume.multiplier", message, StringComparison.Ordinal);
        Assert.Contains("sweep.minimumRun", message, StringComparison.Ordinal);
    }

    private static WardenFactory NewFactory(string dir, FakeTimeProvider time, RecordingHandler? hooks)
    {
        var factory = new WardenFactory { Time = time };
        factory.Settings["Warden:DataDir"] = dir;
        if (hooks is not null)
        {
            factory.Settings["Warden:Webhooks:Subscriptions:0:Url"] = "http://hooks.test/abuse";
            factory.Settings["Warden:Webhooks:Subscriptions:0:Events:0"] = "abuse.*";
            factory.ExtraServices = services => services.AddHttpClient<WebhookDispatcher>().ConfigurePrimaryHttpMessageHandler(() => hooks);
        }

        return factory;
    }

    private static async Task PutPolicyAsync(WardenFactory factory, string json)
    {
        var response = await factory.Admin().PutAsync("/api/models/credit-risk/settings/abuse-policy", V2Requests.Raw(json));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(string Secret, string Id)> CreateKeyAsync(WardenFactory factory, string name)
    {
        var response = await factory.Admin().PostAsJsonAsync("/api/keys", new { name, role = "consumer", models = new[] { "credit-risk" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<CreatedKey>())!;
        return (created.Secret, created.Info.Id);
    }

    private static async Task<int> InferAsync(WardenFactory factory, string key)
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.Authorized(key).InferAsync(V2Requests.CreditRisk())).StatusCode);
        return 1;
    }

    private static async Task<JsonElement> WaitProcessedAsync(WardenFactory factory, int rows)
    {
        JsonElement page = default;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            page = await (await factory.Admin().GetAsync("/api/abuse/alerts")).ReadJsonAsync();
            if (page.GetProperty("processed").GetInt64() >= rows)
            {
                return page;
            }

            await Task.Delay(25);
        }

        return page;
    }

    private static async Task WaitUntilAsync(Func<bool> done)
    {
        for (var attempt = 0; attempt < 200 && !done(); attempt++)
        {
            await Task.Delay(25);
        }

        Assert.True(done());
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        private readonly ConcurrentQueue<string> _events = new();

        public IReadOnlyCollection<string> Events => _events.ToArray();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _events.Enqueue(request.Headers.GetValues("X-Warden-Event").Single());
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}

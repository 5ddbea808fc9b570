using System.Net;
using System.Net.Http.Json;
using Warden.Contracts.Admin;
using Warden.Server.Tests.Database;
using Warden.Server.Tests.Infrastructure;
using Warden.Server.Tests.Redis;

namespace Warden.Server.Tests.Replicas;

/// <summary>
/// Two in-process replicas sharing PostgreSQL and Redis (<c>WARDEN_TEST_POSTGRES</c>, <c>WARDEN_TEST_REDIS</c>; skipped
/// without them unless CI=true): a key the abuse monitor of one replica suspends and an admin reinstates through the other
/// works on both, and the first replica's monitor watches it again (its in-memory suspension is cleared).
/// </summary>
public sealed class KeyReinstatementAcrossReplicasTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Key_suspended_on_one_replica_and_reinstated_on_the_other_works_on_both_and_is_watched_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var redis = RedisTestServer.Require();
        await using var database = await TestPostgresDatabase.CreateAsync("warden_reinstate");
        var prefix = RedisTestServer.NewPrefix();
        using var first = Replica(database, redis, prefix);
        using var firstAdmin = first.Admin();
        using var second = Replica(database, redis, prefix);
        using var secondAdmin = second.Admin();

        var policy = await firstAdmin.PutAsync("/api/models/credit-risk/settings/abuse-policy",
            V2Requests.Raw("""{"extraction": false, "sweep": {"minimumRun": 10, "maxStep": 0.5}, "suspendOnAlert": true}"""), ct);
        Assert.True(policy.IsSuccessStatusCode, await policy.Content.ReadAsStringAsync(ct));
        var created = await firstAdmin.PostAsJsonAsync("/api/keys", new { name = "sweeper", role = "consumer", models = new[] { "credit-risk" } }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<CreatedKey>(ct))!;
        using var onFirst = first.Authorized(key.Secret);
        using var onSecond = second.Authorized(key.Secret);
        // The second replica authenticates the key once, so it holds a cached lookup that the suspension must drop.
        Assert.Equal(HttpStatusCode.OK, (await onSecond.InferAsync(V2Requests.CreditRisk())).StatusCode);

        await SweepUntilSuspendedAsync(onFirst, ct);
        await WaitStatusAsync(onSecond, HttpStatusCode.Unauthorized, ct);

        var reinstated = await secondAdmin.PostAsJsonAsync($"/api/keys/{key.Info.Id}/reinstate", new { reason = "false positive: the customer's grid search" }, ct);
        Assert.Equal(HttpStatusCode.OK, reinstated.StatusCode);
        await WaitStatusAsync(onFirst, HttpStatusCode.OK, ct);
        Assert.Equal(HttpStatusCode.OK, (await onSecond.InferAsync(V2Requests.CreditRisk())).StatusCode);

        // The first replica's monitor no longer skips the key: a second sweep there is detected and suspends it again.
        await SweepUntilSuspendedAsync(onFirst, ct);
        var alerts = await (await firstAdmin.GetAsync($"/api/abuse/alerts?key={key.Info.Id}", ct)).ReadJsonAsync();
        Assert.Equal(2, alerts.GetProperty("items").EnumerateArray().Count(a => a.GetProperty("suspended").GetBoolean()));
        var keys = await secondAdmin.GetFromJsonAsync<List<ApiKeyInfo>>("/api/keys", ct);
        Assert.NotNull(keys!.Single(k => k.Id == key.Info.Id).SuspendedAt);
    }

    private static WardenFactory Replica(TestPostgresDatabase database, string redis, string prefix)
    {
        var factory = new WardenFactory();
        factory.Settings["Warden:Database:Provider"] = "postgresql";
        factory.Settings["Warden:Database:MigrateAtStart"] = "true";
        factory.Settings["ConnectionStrings:Warden"] = database.ConnectionString;
        factory.Settings["ConnectionStrings:Redis"] = redis;
        factory.Settings["Warden:Redis:KeyPrefix"] = prefix;
        return factory;
    }

    // lvrat (input 2) rises by 0.02 per request with everything else fixed: a one-feature sweep, suspended after its 10th row
    // once the monitor's queue has caught up.
    private static async Task SweepUntilSuspendedAsync(HttpClient client, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Patience;
        for (var i = 0; ; i++)
        {
            var row = (double[])V2Requests.Applicant.Clone();
            row[2] = 0.5 + (0.02 * (i % 300));
            var status = (await client.InferAsync(V2Requests.CreditRisk(row))).StatusCode;
            if (status == HttpStatusCode.Unauthorized)
            {
                return;
            }

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(DateTime.UtcNow < deadline, "the sweep was not suspended");
            await Task.Delay(i >= 9 ? 50 : 0, ct);
        }
    }

    private static async Task WaitStatusAsync(HttpClient client, HttpStatusCode expected, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Patience;
        while ((await client.InferAsync(V2Requests.CreditRisk())).StatusCode != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {expected} within {Patience}");
            await Task.Delay(100, ct);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Replicas;

/// <summary>
/// Issue 11 §3 on this machine: three replicas behind nginx on PostgreSQL and Redis. Needs <c>WARDEN_TEST_POSTGRES</c>,
/// <c>redis-server</c> and <c>nginx</c> (all provisioned by <c>.ci/run</c>), skipped without them unless CI=true. The
/// measured numbers are printed (and appended to <c>WARDEN_REPLICA_REPORT</c> when set); assertions bound correctness,
/// never speed: every wait polls until a generous deadline (<see cref="Patience"/>) and then fails naming what it
/// waited for, with the replicas' logs.
/// </summary>
public sealed class ReplicaClusterTests
{
    // How long any one propagation or recovery may take before the test calls it stuck (measured: well under 5 s even on a
    // saturated machine; the safety-net reconciliation alone repairs a lost announcement within Warden:Redis:ReconcileSeconds).
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    [Trait("Category", "Replicas")]
    public async Task Three_replicas_share_models_limits_and_jobs_and_survive_kills_and_redis_outages()
    {
        var postgres = Require();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(15));
        var ct = timeout.Token;
        await using var cluster = await ReplicaCluster.StartAsync(postgres, ct);
        using var admin0 = cluster.Client(0);
        using var balanced = cluster.Client(null);

        // 1. Deploy and promote through replica 0; time until replicas 1 and 2 serve the new version.
        var (loaded, visible) = await PromoteAndWaitAsync(cluster, admin0, ct);
        Report($"deploy: new version loaded on the other replicas {loaded}; promotion: served by them {visible} (max of 2)");
        // The issue's bound is 1 s (measured well under it); the assertion only rules out propagation by cache expiry or restart, so a loaded CI machine cannot fail it.
        Assert.True(visible.Sent < TimeSpan.FromSeconds(30), $"promotion took {visible} to reach every replica");

        // 2. One key, 5 requests/s with a burst of 5, hammered through nginx by 24 clients (well above the limit even on a busy machine:
        // refusals come back fast, so the clients keep the bucket drained while admitted requests are slow).
        var limited = await CreateKeyAsync(admin0, new { name = "limited", role = "consumer", models = new[] { "credit-risk" }, rateLimit = 5.0, burst = 5 }, ct);
        await WaitKeyWorksEverywhereAsync(cluster, limited, ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct); // let the bucket refill to its burst after the probes
        var (admitted, refused, seconds, last) = await HammerAsync(cluster, limited, 24, TimeSpan.FromSeconds(6), ct);
        var expected = (5 * seconds) + 5;
        Report($"rate limit across 3 replicas (5/s, burst 5): {admitted} admitted, {refused} refused; sending for {seconds:F3} s (last answer at {last:F3} s); rate×time+burst = {expected:F1}; deviation {(admitted - expected) / expected:P2}");
        Assert.True(refused > 0, $"the clients never exceeded the limit in {last:F1} s");
        // Over-admission is what sharing prevents (3 in-process buckets would admit about 3×); under-admission only means the clients were slower than the limit.
        Assert.True(admitted <= ((5 * last) + 5) * 1.05, $"{admitted} admitted, more than 5 % over {(5 * last) + 5:F1}");

        // 3. kill -9 of replica 1 under load through nginx; it restarts and rejoins; nothing acknowledged is lost.
        var (acknowledged, failed, afterKill) = await KillUnderLoadAsync(cluster, ct);
        var stored = await StoredPredictionIdsAsync(admin0, ct);
        var missing = acknowledged.Count(id => !stored.Contains(id));
        Report($"kill -9 under load: {acknowledged.Count} acknowledged ({afterKill} after the kill), {failed} failed, {missing} missing after restart");
        Assert.Equal(0, missing);
        Assert.True(afterKill > 0, "nginx sent no successful request to the surviving replicas after the kill");
        using (var rejoined = cluster.Client(1))
        {
            Assert.Equal(HttpStatusCode.OK, (await rejoined.InferAsync(V2Requests.CreditRisk())).StatusCode);
        }

        // 4. The monitoring scheduler (scheduled audits, drift rules, canary checks) ran once per tick across the three.
        var (ticks, claimants, span) = await MonitoringTicksAsync(cluster, ct);
        Report($"monitoring ticks over {span:F0} s: {ticks} claimed, by {claimants} replica(s); one claim per tick number by construction");
        Assert.InRange(ticks, 1, (long)span + 2);

        // 4b. A drift rule due every 4 s, whose threshold makes every evaluation alert (so each is one drift.alert entry in
        // the shared audit chain): the replicas take the scheduler's 1 s ticks in turn, and each remembers only its own last
        // run, so without a shared claim per interval the rule ran up to once per tick. Counted over whole intervals.
        var (evaluations, window) = await DriftEvaluationsAsync(admin0, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(16), ct);
        Report($"drift rule due every 4 s: {evaluations} evaluations in {window.TotalSeconds:F1} s across the three (at most {(int)(window.TotalSeconds / 4) + 1})");
        Assert.InRange(evaluations, 1, (int)(window.TotalSeconds / 4) + 1);

        // 5. Redis stopped: limited keys get 503 JSON (fail closed), unlimited traffic is untouched; Redis back: recovery.
        cluster.StopRedis();
        using var limitedClient = cluster.Client(null, limited);
        var outage = await WaitStatusAsync(cluster, limitedClient, HttpStatusCode.ServiceUnavailable, "a 503 for a limited key while Redis is down", ct);
        Assert.Contains("unreachable", JsonDocument.Parse(await outage.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await balanced.InferAsync(V2Requests.CreditRisk())).StatusCode);
        await cluster.StartRedisAsync(ct);
        var restarted = Stopwatch.StartNew();
        await WaitStatusAsync(cluster, limitedClient, HttpStatusCode.OK, "a 200 for a limited key after Redis restarted", ct);
        Report($"Redis restarted: limited keys admitted again after {restarted.Elapsed.TotalSeconds:F3} s");
        var (_, afterOutage) = await PromoteAndWaitAsync(cluster, admin0, ct);
        Report($"promotion after the Redis restart served everywhere {afterOutage}");

        // 6. The audit chain is one chain and verifies after all of it.
        var verify = await balanced.GetFromJsonAsync<JsonElement>("/api/audit/verify", ct);
        Report($"audit chain: valid={verify.GetProperty("valid").GetBoolean()}, {verify.GetProperty("entriesChecked").GetInt64()} entries");
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
    }

    private static string Require()
    {
        var postgres = Environment.GetEnvironmentVariable("WARDEN_TEST_POSTGRES");
        if (!File.Exists(Path.Combine(AppContext.BaseDirectory, "Warden.Storage.PostgreSql.dll")))
        {
            // Replicas need the shared PostgreSQL store; a build without that backend has nothing to run this against.
            Assert.Skip("this build has no PostgreSQL backend (src/Warden.Storage.PostgreSql)");
        }

        var missing = string.IsNullOrWhiteSpace(postgres) ? "WARDEN_TEST_POSTGRES"
            : !OnPath("redis-server") ? "redis-server"
            : !File.Exists("/usr/sbin/nginx") && !OnPath("nginx") ? "nginx"
            : null;
        if (missing is not null)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(missing + " is missing; .ci/run provisions it");
            }

            Assert.Skip(missing + " is missing");
        }

        return postgres!;
    }

    private static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, name)));

    private static void Report(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        if (Environment.GetEnvironmentVariable("WARDEN_REPLICA_REPORT") is { Length: > 0 } path)
        {
            File.AppendAllText(path, line + Environment.NewLine);
        }
    }

    // Deploys a new version through replica 0, waits until the others have loaded it (staging), then promotes it and waits
    // until they serve it by default: the two times measure deploy propagation (an ONNX session load) and promotion.
    private static async Task<(Propagation Loaded, Propagation Served)> PromoteAndWaitAsync(ReplicaCluster cluster, HttpClient admin, CancellationToken ct)
    {
        var deployed = await admin.PostAsync("/api/models/credit-risk/versions", Deploy.Form(Deploy.CreditRiskOnnx()), ct);
        Assert.True(deployed.IsSuccessStatusCode, await deployed.Content.ReadAsStringAsync(ct));
        var version = (await deployed.ReadJsonAsync()).GetProperty("version").GetString()!;
        var loaded = await OnOthersAsync(cluster, $"version {version} ready (staging) on every replica", async client => (await client.GetAsync($"/v2/models/credit-risk/versions/{version}/ready", ct)).IsSuccessStatusCode, ct);
        var promoted = await admin.PostAsync($"/api/models/credit-risk/versions/{version}/promote", null, ct);
        Assert.True(promoted.IsSuccessStatusCode, await promoted.Content.ReadAsStringAsync(ct));
        var served = await OnOthersAsync(cluster, $"version {version} served by default on every replica", async client =>
        {
            var answer = await client.InferAsync(V2Requests.CreditRisk());
            return answer.IsSuccessStatusCode && (await answer.ReadJsonAsync()).GetProperty("model_version").GetString() == version;
        }, ct);
        return (loaded, served);
    }

    // The change reached a replica between the arrival of the last probe that missed it and that of the first that saw it.
    // Sent: when that first probe was sent (its answer can take seconds on a loaded machine: an inference waits for its
    // log commit); Answered: when its answer came back, an upper bound.
    private static async Task<Propagation> OnOthersAsync(ReplicaCluster cluster, string what, Func<HttpClient, Task<bool>> condition, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var waits = await Task.WhenAll(Enumerable.Range(1, ReplicaCluster.Size - 1).Select(async i =>
        {
            using var client = cluster.Client(i);
            while (true)
            {
                var sent = clock.Elapsed;
                if (await condition(client))
                {
                    return new Propagation(sent, clock.Elapsed);
                }

                Stuck(cluster, clock, $"{what} (replica {i})");
                await Task.Delay(10, ct);
            }
        }));
        return new Propagation(waits.Max(w => w.Sent), waits.Max(w => w.Answered));
    }

    private sealed record Propagation(TimeSpan Sent, TimeSpan Answered)
    {
        public override string ToString() => $"by the probe sent at {Sent.TotalSeconds:F3} s (answered at {Answered.TotalSeconds:F3} s)";
    }

    // Fails the test once a wait has outlived Patience, with what every replica logged: a propagation that never happens
    // must be a diagnosable failure, not a hung CI job.
    private static void Stuck(ReplicaCluster cluster, Stopwatch clock, string what)
    {
        if (clock.Elapsed > Patience)
        {
            var logs = string.Concat(Enumerable.Range(0, ReplicaCluster.Size).Select(i => $"\n--- replica {i} ---\n{Tail(cluster.ReplicaOutput(i))}"));
            Assert.Fail($"waited {clock.Elapsed.TotalSeconds:F0} s for {what}{logs}");
        }
    }

    private static string Tail(string output) => output.Length <= 4000 ? output : output[^4000..];

    private static async Task<string> CreateKeyAsync(HttpClient admin, object body, CancellationToken ct)
    {
        var response = await admin.PostAsJsonAsync("/api/keys", body, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("secret").GetString()!;
    }

    private static async Task WaitKeyWorksEverywhereAsync(ReplicaCluster cluster, string key, CancellationToken ct)
    {
        for (var i = 0; i < ReplicaCluster.Size; i++)
        {
            using var client = cluster.Client(i, key);
            var clock = Stopwatch.StartNew();
            while ((await client.GetAsync("/v2/models/credit-risk", ct)).StatusCode == HttpStatusCode.Unauthorized)
            {
                Stuck(cluster, clock, $"the new key to be accepted by replica {i}");
                await Task.Delay(50, ct);
            }
        }
    }

    // Seconds: from the first request sent to the last one sent; every admission decision falls in that span plus one
    // request's trip to the server. Last: to the last answer, an upper bound for the span of decisions. Sending goes on past
    // the duration (up to four times it) until some request was refused, so a machine too busy to exceed the limit in
    // the nominal time still measures the limit rather than its own slowness.
    private static async Task<(long Admitted, long Refused, double Seconds, double Last)> HammerAsync(ReplicaCluster cluster, string key, int clients, TimeSpan duration, CancellationToken ct)
    {
        long admitted = 0, refused = 0, lastSendTicks = 0;
        var other = new System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            using var client = cluster.Client(null, key);
            while (clock.Elapsed < duration || (Interlocked.Read(ref refused) == 0 && clock.Elapsed < duration * 4))
            {
                var sent = clock.Elapsed.Ticks;
                InterlockedMax(ref lastSendTicks, sent);
                var response = await client.InferAsync(V2Requests.CreditRisk());
                Interlocked.Increment(ref response.StatusCode == HttpStatusCode.OK ? ref admitted : ref refused);
                if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.TooManyRequests))
                {
                    other.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                }
            }
        }));
        if (!other.IsEmpty)
        {
            Report("rate limit: answers other than 200/429: " + string.Join(", ", other.Select(p => $"{(int)p.Key}×{p.Value}")));
        }

        return (admitted, refused, TimeSpan.FromTicks(lastSendTicks).TotalSeconds, clock.Elapsed.TotalSeconds);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private static async Task<(List<string> Acknowledged, long Failed, long AfterKill)> KillUnderLoadAsync(ReplicaCluster cluster, CancellationToken ct)
    {
        var acknowledged = new List<string>();
        long failed = 0, afterKill = 0;
        var killed = false;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var load = Task.WhenAll(Enumerable.Range(0, 6).Select(async c =>
        {
            using var client = cluster.Client(null);
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var id = $"kill-{c}-{n}";
                try
                {
                    var response = await client.InferAsync(V2Requests.CreditRisk(id: id));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        lock (acknowledged)
                        {
                            acknowledged.Add(id);
                            afterKill += Volatile.Read(ref killed) ? 1 : 0;
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        cluster.KillReplica(1);
        Volatile.Write(ref killed, true);
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        await cluster.StartReplicaAsync(1, ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        await stop.CancelAsync();
        await load;
        return (acknowledged, failed, afterKill);
    }

    private static async Task<HashSet<string>> StoredPredictionIdsAsync(HttpClient admin, CancellationToken ct)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string? after = null;
        do
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/predictions?model=credit-risk&limit=1000" + (after is null ? "" : "&after=" + after), ct);
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                ids.Add(item.GetProperty("id").GetString()!);
            }

            after = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (after is not null);
        return ids;
    }

    // Sets the rule, waits for its first alert, then counts the alerts raised over the next whole intervals.
    private static async Task<(int Evaluations, TimeSpan Window)> DriftEvaluationsAsync(HttpClient admin, TimeSpan interval, TimeSpan observe, CancellationToken ct)
    {
        // A stored reference (shared by every replica) for the version in production, which the earlier steps' traffic used.
        var production = (await admin.GetFromJsonAsync<JsonElement>("/api/models/credit-risk", ct)).GetProperty("productionVersion").GetString()!;
        var random = new Random(11);
        var csv = new System.Text.StringBuilder("pirat,hirat,lvrat,chist,mhist,phist,unemp,selfemp,insurance,condomin,single,hschool\n");
        for (var i = 0; i < 200; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{random.NextDouble() * 0.6:F3},{random.NextDouble() * 0.5:F3},{random.NextDouble():F3},{random.Next(1, 7)},{random.Next(1, 5)},{random.Next(0, 2)},{random.NextDouble() * 10:F1},{random.Next(0, 2)},{random.Next(0, 2)},{random.Next(0, 2)},{random.Next(0, 2)},{random.Next(0, 2)}\n");
        }

        using (var reference = new StringContent(csv.ToString(), System.Text.Encoding.UTF8, "text/csv"))
        {
            var put = await admin.PutAsync($"/api/models/credit-risk/versions/{production}/reference", reference, ct);
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(ct));
        }

        var rule = new { rules = new[] { new { kind = "FeaturePsiAtLeast", threshold = 1e-9 } }, window = "1h", interval = $"{interval.TotalSeconds:F0}s", minRows = 1, version = production };
        var set = await admin.PutAsJsonAsync("/api/models/credit-risk/settings/drift-rules", rule, ct);
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync(ct));
        var deadline = Stopwatch.StartNew();
        List<long> alerts;
        while ((alerts = await DriftAlertSequencesAsync(admin, 0, ct)).Count == 0)
        {
            Assert.True(deadline.Elapsed < Patience, "no drift.alert from the scheduled drift rule");
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }

        // Counting starts just after the first alert, so the window holds whole intervals and at most one more start.
        var first = alerts[^1];
        var clock = Stopwatch.StartNew();
        await Task.Delay(observe, ct);
        var window = clock.Elapsed;
        var counted = (await DriftAlertSequencesAsync(admin, first, ct)).Count;
        (await admin.DeleteAsync("/api/models/credit-risk/settings/drift-rules", ct)).EnsureSuccessStatusCode();
        return (counted, window);
    }

    private static async Task<List<long>> DriftAlertSequencesAsync(HttpClient admin, long after, CancellationToken ct)
    {
        var sequences = new List<long>();
        string? next = after.ToString(CultureInfo.InvariantCulture);
        while (next is not null)
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/audit?limit=1000&after=" + next, ct);
            foreach (var entry in page.GetProperty("items").EnumerateArray())
            {
                if (entry.GetProperty("action").GetString() == "drift.alert")
                {
                    sequences.Add(entry.GetProperty("sequence").GetInt64());
                }
            }

            next = page.TryGetProperty("next", out var more) && more.ValueKind == JsonValueKind.String ? more.GetString() : null;
        }

        return sequences;
    }

    // Tick claims live three ticks, so they are sampled for a few seconds; a tick number can only ever have one owner (SET NX).
    private static async Task<(long Ticks, int Claimants, double Span)> MonitoringTicksAsync(ReplicaCluster cluster, CancellationToken ct)
    {
        using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{cluster.RedisPort}");
        var server = redis.GetServer("127.0.0.1", cluster.RedisPort);
        var owners = new Dictionary<long, string>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(6))
        {
            await foreach (var key in server.KeysAsync(pattern: "warden:tick:monitoring:*").WithCancellation(ct))
            {
                var tick = long.Parse(((string)key!).Split(':')[^1], CultureInfo.InvariantCulture);
                if ((string?)await redis.GetDatabase().StringGetAsync(key) is { } owner)
                {
                    Assert.Equal(owners.GetValueOrDefault(tick, owner), owner);
                    owners[tick] = owner;
                }
            }

            await Task.Delay(500, ct);
        }

        Assert.NotEmpty(owners);
        return (owners.Count, owners.Values.Distinct().Count(), owners.Keys.Max() - owners.Keys.Min() + 1);
    }

    private static async Task<HttpResponseMessage> WaitStatusAsync(ReplicaCluster cluster, HttpClient client, HttpStatusCode status, string what, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await client.InferAsync(V2Requests.CreditRisk());
            if (response.StatusCode == status)
            {
                return response;
            }

            Stuck(cluster, clock, what);
            await Task.Delay(20, ct);
        }
    }
}

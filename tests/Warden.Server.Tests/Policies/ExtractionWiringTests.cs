using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Abuse;
using Warden.Core.Access;
using Warden.Server.Tests.Infrastructure;
using static Warden.Server.Tests.Policies.PolicyTestKeys;

namespace Warden.Server.Tests.Policies;

public sealed class ExtractionWiringTests
{
    private static readonly string[] Numeric = ["pirat", "hirat", "lvrat", "chist", "mhist", "unemp"];

    // Rows of samples/data/hmda.csv as the 12 credit-risk inputs (yes/no as 1/0).
    private static readonly Lazy<double[][]> Rows = new(LoadRows);

    private static int[] NumericIndexes => Numeric.Select(n => Array.IndexOf(V2Requests.CreditRiskInputs, n)).ToArray();

    [Fact]
    public async Task Perturbation_probing_key_is_alerted_and_suspended_while_benign_key_is_not_flagged()
    {
        using var factory = new WardenFactory();
        var (lower, upper) = Bounds();
        await PutSettingsAsync(factory, "credit-risk", "abuse-policy", JsonSerializer.Serialize(new
        {
            enabled = true,
            features = Numeric,
            lower,
            upper,
            delta = 0.80,
            minimumDistances = 50,
            suspendOnAlert = true,
        }));

        var benign = await CreateAsync(factory, new { name = "benign", role = "consumer", models = new[] { "credit-risk" } });
        var benignRows = Shuffled(7).Take(150).ToArray();
        foreach (var row in benignRows)
        {
            Assert.Equal(HttpStatusCode.OK, (await factory.Authorized(benign).InferAsync(V2Requests.CreditRisk(row))).StatusCode);
        }

        // Core measured 19 of 20 seeded Jacobian probers flagged at query 51; four probing keys here, at least three must be caught.
        var probers = new List<(string Secret, int Sent)>();
        for (var seed = 0; seed < 4; seed++)
        {
            var secret = await CreateAsync(factory, new { name = $"prober-{seed}", role = "consumer", models = new[] { "credit-risk" } });
            var sent = 0;
            foreach (var probe in Probes(seed, lower, upper).Take(120))
            {
                var response = await factory.Authorized(secret).InferAsync(V2Requests.CreditRisk(probe));
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    break;
                }

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                sent++;
            }

            probers.Add((secret, sent));
        }

        var alerts = await WaitForAsync(factory, page => page.GetProperty("processed").GetInt64() >= benignRows.Length + probers.Sum(p => p.Sent));
        var items = alerts.GetProperty("items").EnumerateArray().ToArray();
        Assert.True(items.Length >= 3, $"{alerts}");
        foreach (var alert in items)
        {
            Assert.Equal("credit-risk", alert.GetProperty("model").GetString());
            Assert.Equal("Extraction", alert.GetProperty("kind").GetString());
            Assert.True(alert.GetProperty("statistic").GetDouble() < 0.80);
            Assert.True(alert.GetProperty("suspended").GetBoolean());
            Assert.InRange(alert.GetProperty("queryCount").GetInt64(), 51, 80);
        }

        // One alert per probing key; the benign key's 150 real rows raised none.
        Assert.Equal(items.Length, items.Select(a => a.GetProperty("keyId").GetString()).Distinct().Count());
        var probingId = items[0].GetProperty("keyId").GetString();
        var suspended = 0;
        foreach (var (secret, _) in probers)
        {
            HttpStatusCode next = HttpStatusCode.OK;
            for (var attempt = 0; attempt < 20 && next != HttpStatusCode.Unauthorized; attempt++)
            {
                next = (await factory.Authorized(secret).InferAsync(V2Requests.CreditRisk())).StatusCode;
                if (next != HttpStatusCode.Unauthorized)
                {
                    await Task.Delay(50);
                }
            }

            suspended += next == HttpStatusCode.Unauthorized ? 1 : 0;
        }

        Assert.Equal(items.Length, suspended);
        Assert.Equal(HttpStatusCode.OK, (await factory.Authorized(benign).InferAsync(V2Requests.CreditRisk())).StatusCode);

        var audit = await (await factory.Admin().GetAsync("/api/audit?limit=1000")).ReadJsonAsync();
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "abuse.alert" && e.GetProperty("target").GetString() == probingId);
    }

    [Fact]
    public async Task Against_the_reference_profile_a_prober_hiding_among_real_rows_is_suspended_and_a_replaying_client_is_not()
    {
        // Issue 17: an attacker sending 3 real rows per synthetic probe was never caught, and an honest client replaying
        // real rows was flagged. Even HMDA rows are the reference; clients send odd rows (new applicants).
        using var factory = new WardenFactory();
        var admin = factory.Admin();
        var lines = await File.ReadAllLinesAsync(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"), TestContext.Current.CancellationToken);
        var csv = string.Join('\n', lines.Take(1).Concat(lines.Skip(1).Where((_, i) => i % 2 == 0))) + "\n";
        using (var put = await admin.PutAsync("/api/models/credit-risk/versions/1/reference", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await PutSettingsAsync(factory, "credit-risk", "abuse-policy", JsonSerializer.Serialize(new { enabled = true, features = Numeric, reference = true, suspendOnAlert = true }));
        var applicants = Rows.Value.Where((_, i) => i % 2 == 1).ToArray();

        // The honest client works a queue of 40 applications: every request is one of them, a third are immediate retries.
        var honest = await CreateAsync(factory, new { name = "replaying", role = "consumer", models = new[] { "credit-risk" } });
        var rng = new Random(5);
        var queue = applicants.OrderBy(_ => rng.Next()).Take(40).ToArray();
        var last = queue[0];
        for (var i = 0; i < 150; i++)
        {
            last = rng.Next(3) == 0 ? last : queue[rng.Next(queue.Length)];
            Assert.Equal(HttpStatusCode.OK, (await factory.Authorized(honest).InferAsync(V2Requests.CreditRisk(last))).StatusCode);
        }

        var (lower, upper) = Bounds();
        var prober = await CreateAsync(factory, new { name = "interleaving", role = "consumer", models = new[] { "credit-risk" } });
        using var probes = Probes(seed: 2, lower, upper).GetEnumerator();
        var sent = 0;
        for (var i = 0; i < 200; i++)
        {
            var row = i % 4 == 3 && probes.MoveNext() ? probes.Current : applicants[(i * 7) % applicants.Length];
            var response = await factory.Authorized(prober).InferAsync(V2Requests.CreditRisk(row));
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                break;
            }

            sent++;
        }

        var page = await WaitForAsync(factory, p => p.GetProperty("processed").GetInt64() >= 150 + sent);
        var items = page.GetProperty("items").EnumerateArray().ToArray();
        var alert = Assert.Single(items);
        Assert.Contains("atypical of the reference", alert.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(alert.GetProperty("suspended").GetBoolean());
        Assert.InRange(alert.GetProperty("queryCount").GetInt64(), 50, 120);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.Authorized(prober).InferAsync(V2Requests.CreditRisk())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.Authorized(honest).InferAsync(V2Requests.CreditRisk())).StatusCode);
    }

    [Fact]
    public async Task Requests_queued_behind_a_suspension_do_not_alert_the_key_a_second_time()
    {
        // The monitor runs behind the request path: a fast prober has many more requests admitted (and queued for the
        // monitor) by the time its alert suspends it. Enqueuing them all at once makes that lag certain.
        using var factory = new WardenFactory();
        var (lower, upper) = Bounds();
        await PutSettingsAsync(factory, "credit-risk", "abuse-policy", JsonSerializer.Serialize(new
        {
            enabled = true, features = Numeric, lower, upper, delta = 0.80, minimumDistances = 50, suspendOnAlert = true,
        }));
        var monitor = factory.Services.GetRequiredService<AbuseMonitor>();
        var before = monitor.Processed;
        var keys = new List<(string Secret, string Id)>();
        const int perKey = 120;
        for (var seed = 0; seed < 4; seed++)
        {
            var secret = await CreateAsync(factory, new { name = $"queued-prober-{seed}", role = "consumer", models = new[] { "credit-risk" } });
            var keyId = (await factory.Services.GetRequiredService<ApiKeyService>().AuthenticateAsync(secret, TestContext.Current.CancellationToken))!.Id;
            keys.Add((secret, keyId));
            foreach (var probe in Probes(seed, lower, upper).Take(perKey))
            {
                monitor.Enqueue(new AbuseObservation(keyId, $"queued-prober-{seed}", "credit-risk", NumericIndexes.Select(i => probe[i]).ToArray(), DateTimeOffset.UtcNow));
            }
        }

        var page = await WaitForAsync(factory, p => p.GetProperty("processed").GetInt64() >= before + (4 * perKey));
        Assert.True(page.GetProperty("processed").GetInt64() >= before + (4 * perKey), $"{page}");
        var items = page.GetProperty("items").EnumerateArray().ToArray();
        Assert.True(items.Length >= 3, $"{page}");
        foreach (var (secret, keyId) in keys)
        {
            var mine = items.Where(a => a.GetProperty("keyId").GetString() == keyId).ToArray();
            Assert.True(mine.Length <= 1, $"key {keyId} alerted {mine.Length} times: {page}");
            if (mine.Length == 1)
            {
                Assert.True(mine[0].GetProperty("suspended").GetBoolean());
                Assert.Equal(HttpStatusCode.Unauthorized, (await factory.Authorized(secret).InferAsync(V2Requests.CreditRisk())).StatusCode);
            }
        }
    }

    [Fact]
    public async Task Without_an_abuse_policy_nothing_is_observed_or_recorded()
    {
        using var factory = new WardenFactory();
        var (lower, upper) = Bounds();
        var probing = await CreateAsync(factory, new { name = "prober", role = "consumer", models = new[] { "credit-risk" } });
        foreach (var probe in Probes(seed: 3, lower, upper).Take(80))
        {
            Assert.Equal(HttpStatusCode.OK, (await factory.Authorized(probing).InferAsync(V2Requests.CreditRisk(probe))).StatusCode);
        }

        var page = await (await factory.Admin().GetAsync("/api/abuse/alerts")).ReadJsonAsync();
        Assert.Equal(0, page.GetProperty("processed").GetInt64());
        Assert.Equal(0, page.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await factory.Authorized(probing).InferAsync(V2Requests.CreditRisk())).StatusCode);
    }

    [Fact]
    public async Task Abuse_alerts_need_the_auditor_or_admin_role_and_the_policy_is_validated()
    {
        using var factory = new WardenFactory();
        var consumer = await CreateAsync(factory, new { name = "c", role = "consumer", models = new[] { "credit-risk" } });
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Authorized(consumer).GetAsync("/api/abuse/alerts")).StatusCode);
        var bad = await factory.Admin().PutAsync("/api/models/credit-risk/settings/abuse-policy", V2Requests.Raw("""{"delta": 1.5, "lower": [0]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private static async Task<JsonElement> WaitForAsync(WardenFactory factory, Func<JsonElement, bool> done)
    {
        JsonElement page = default;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            page = await (await factory.Admin().GetAsync("/api/abuse/alerts")).ReadJsonAsync();
            if (done(page))
            {
                return page;
            }

            await Task.Delay(50);
        }

        return page;
    }

    /// <summary>1st and 99th percentile of each numeric feature over hmda.csv, as in the Core detector tests.</summary>
    private static (double[] Lower, double[] Upper) Bounds()
    {
        var idx = NumericIndexes;
        double Percentile(int j, double p)
        {
            var column = Rows.Value.Select(r => r[idx[j]]).Order().ToArray();
            return column[(int)(p * (column.Length - 1))];
        }

        return (Numeric.Select((_, j) => Percentile(j, 0.01)).ToArray(), Numeric.Select((_, j) => Percentile(j, 0.99)).ToArray());
    }

    private static IEnumerable<double[]> Shuffled(int seed)
    {
        var order = Enumerable.Range(0, Rows.Value.Length).ToArray();
        new Random(seed).Shuffle(order);
        return order.Select(i => Rows.Value[i]);
    }

    /// <summary>
    /// Papernot et al. (2017) augmentation without gradients: five real rows, then each round x ± 5 % of the feature range
    /// on every numeric feature for every point held so far.
    /// </summary>
    private static IEnumerable<double[]> Probes(int seed, double[] lower, double[] upper)
    {
        var rng = new Random(seed);
        var held = Shuffled(seed + 1_000_000).Take(5).Select(r => (double[])r.Clone()).ToList();
        foreach (var row in held.ToList())
        {
            yield return row;
        }

        var idx = NumericIndexes;
        while (true)
        {
            var round = held.Select(x =>
            {
                var y = (double[])x.Clone();
                for (var j = 0; j < idx.Length; j++)
                {
                    y[idx[j]] += (rng.Next(2) == 0 ? -1 : 1) * 0.05 * (upper[j] - lower[j]);
                }

                return y;
            }).ToList();
            foreach (var y in round)
            {
                yield return y;
            }

            held.AddRange(round);
        }
    }

    private static double[][] LoadRows()
    {
        var lines = File.ReadAllLines(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"));
        var header = lines[0].Split(',').Select(h => h.Trim('"')).ToArray();
        var columns = V2Requests.CreditRiskInputs.Select(n => Array.IndexOf(header, n)).ToArray();
        return lines.Skip(1).Select(line =>
        {
            var fields = line.Split(',');
            return columns.Select(c => fields[c].Trim('"') switch
            {
                "yes" => 1.0,
                "no" => 0.0,
                var s => double.Parse(s, CultureInfo.InvariantCulture),
            }).ToArray();
        }).ToArray();
    }
}

using System.Diagnostics;
using System.Net;
using Npgsql;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Database;

/// <summary>
/// Issue 11 §2 faults: PostgreSQL down or restarting. The server reaches a fresh database of the CI PostgreSQL
/// (<c>WARDEN_TEST_POSTGRES</c>) through a <see cref="TcpRelay"/>, which the test takes down (refusing connections and
/// resetting the open ones, as a restart does) and brings back; the shared PostgreSQL itself is never stopped, so other
/// suites running at the same time are unaffected.
/// </summary>
public sealed class PostgresOutageTests
{
    [Fact]
    public async Task Requests_get_503_with_json_while_postgres_is_unreachable_and_succeed_again_when_it_returns_without_a_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestPostgresDatabase.CreateAsync("warden_outage");
        await using var relay = TcpRelay.Start(database.Server.Host!, database.Server.Port);
        using var factory = new WardenFactory();
        factory.Settings["Warden:Database:Provider"] = "postgresql";
        factory.Settings["Warden:Database:MigrateAtStart"] = "true";
        factory.Settings["ConnectionStrings:Warden"] = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = relay.Port, Timeout = 3 }.ConnectionString;
        factory.Settings["Warden:PredictionLog:CommitTimeoutMs"] = "3000";
        using var client = factory.Admin();

        Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk(id: "before"))).StatusCode);

        relay.Down();
        // A read that needs the database, and a prediction whose log record cannot be committed: both refused, neither hangs.
        var read = await client.GetAsync("/api/predictions?model=credit-risk&limit=5", ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        Assert.Contains("database is unavailable", await read.ErrorAsync(), StringComparison.Ordinal);
        Assert.Equal("1", read.Headers.RetryAfter?.ToString());
        var infer = await client.InferAsync(V2Requests.CreditRisk(id: "during"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, infer.StatusCode);
        Assert.False(string.IsNullOrEmpty(await infer.ErrorAsync()));

        relay.Up();
        // Same process, no restart: the connection pool reconnects once the database accepts connections again.
        var clock = Stopwatch.StartNew();
        while ((await client.InferAsync(V2Requests.CreditRisk(id: "after-" + clock.ElapsedTicks))).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "inference did not recover within 2 minutes of the database returning");
            await Task.Delay(200, ct);
        }

        var page = await client.GetAsync("/api/predictions?model=credit-risk&limit=1000", ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var ids = (await page.ReadJsonAsync()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Contains("before", ids);
        Assert.Contains(ids, id => id!.StartsWith("after-", StringComparison.Ordinal));
    }
}

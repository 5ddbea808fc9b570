using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Database;

/// <summary>
/// <c>warden db copy --from sqlite:DIR --to postgresql:CONNSTR</c>, as docs/scale-out.md tells an operator to run it:
/// a single node's store is copied into a new PostgreSQL database, and a server on that database serves the same models,
/// keys, predictions and audit chain, and keeps appending to them.
/// </summary>
public sealed class DbCopyTests
{
    [Fact]
    public async Task Db_copy_moves_a_single_node_into_postgresql_where_a_server_carries_on_with_the_same_models_keys_predictions_and_audit_chain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestPostgresDatabase.CreateAsync("warden_copy");
        using var single = new WardenFactory();
        string consumer;
        long entries;
        using (var admin = single.Admin())
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk(id: "copied-" + i))).StatusCode);
            }

            var created = await admin.PostAsJsonAsync("/api/keys", new { name = "consumer", role = "consumer", models = new[] { "credit-risk" } }, ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            consumer = (await created.ReadJsonAsync()).GetProperty("secret").GetString()!;
            entries = (await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify", ct)).GetProperty("entriesChecked").GetInt64();
        }

        var (code, output, error) = await single.RunCliAsync(null, "db", "copy", "--from", "sqlite:" + single.DataDir, "--to", "postgresql:" + database.ConnectionString);
        Assert.True(code == 0, output + error);
        Assert.Contains("predictions: 3 row(s)", output, StringComparison.Ordinal);
        Assert.Contains("1 model file(s)", output, StringComparison.Ordinal);

        // Copying twice would duplicate history: the second run is refused and changes nothing.
        var again = await single.RunCliAsync(null, "db", "copy", "--from", "sqlite:" + single.DataDir, "--to", "postgresql:" + database.ConnectionString);
        Assert.NotEqual(0, again.Code);
        Assert.Contains("already has rows", again.Error, StringComparison.Ordinal);

        using var scaled = new WardenFactory();
        scaled.Settings["Warden:Database:Provider"] = "postgresql";
        scaled.Settings["ConnectionStrings:Warden"] = database.ConnectionString;
        using var client = scaled.Admin();
        using var consumerClient = scaled.Authorized(consumer);
        Assert.Equal(HttpStatusCode.OK, (await consumerClient.InferAsync(V2Requests.CreditRisk(id: "after-copy"))).StatusCode);
        var next = await client.PostAsJsonAsync("/api/keys", new { name = "after-copy", role = "consumer", models = new[] { "credit-risk" } }, ct);
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);

        var ids = (await client.GetFromJsonAsync<JsonElement>("/api/predictions?model=credit-risk&limit=1000", ct))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
        // The new record took a sequence number after the copied ones (a reused number would have failed its commit).
        Assert.Equal(["after-copy", "copied-0", "copied-1", "copied-2"], ids.Order(StringComparer.Ordinal));
        var verify = await client.GetFromJsonAsync<JsonElement>("/api/audit/verify", ct);
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
        Assert.True(verify.GetProperty("entriesChecked").GetInt64() > entries, verify.ToString());
    }
}

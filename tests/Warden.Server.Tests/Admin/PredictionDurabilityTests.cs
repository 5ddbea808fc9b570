using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Warden.Core.Storage;
using Warden.Storage.Sqlite;
using Warden.Server.Tests.Infrastructure;
using Warden.Tests;

namespace Warden.Server.Tests.Admin;

public sealed class PredictionDurabilityTests
{
    private static CancellationToken Bounded(TimeSpan limit)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(limit);
        return source.Token;
    }

    [Fact]
    public async Task Acknowledged_prediction_is_in_the_store_when_the_answer_arrives()
    {
        using var factory = new WardenFactory();
        factory.Settings["Warden:PredictionLog:FlushIntervalMs"] = "60000";
        var admin = factory.Admin();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk())).StatusCode);
        }

        // No polling: each 200 was sent after its record's commit.
        var store = factory.Services.GetRequiredService<IPredictionStore>();
        Assert.Equal(5, await store.CountAsync("credit-risk", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Acknowledged_answer_waits_for_the_store_to_commit()
    {
        var store = new BlockingPredictionStore();
        using var factory = new WardenFactory { ExtraServices = s => s.RemoveAll<IPredictionStore>().AddSingleton<IPredictionStore>(store) };
        var admin = factory.Admin();
        var answer = admin.InferAsync(V2Requests.CreditRisk());
        await store.Entered.WaitAsync(Bounded(TimeSpan.FromMinutes(2)));
        Assert.False(answer.IsCompleted);

        store.Release();
        Assert.Equal(HttpStatusCode.OK, (await answer.WaitAsync(Bounded(TimeSpan.FromMinutes(2)))).StatusCode);
        Assert.Equal(1, store.Written);
    }

    [Fact]
    public async Task A_lone_request_is_committed_without_waiting_out_the_batch_interval()
    {
        // The interval is longer than the commit timeout: a batch held open for it would time the request out (503).
        // With no other inference under way nothing can join the batch, so it commits at once.
        using var factory = new WardenFactory();
        factory.Settings["Warden:PredictionLog:CommitIntervalMs"] = "1000";
        factory.Settings["Warden:PredictionLog:CommitTimeoutMs"] = "900";
        var admin = factory.Admin();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk())).StatusCode);
        }

        var store = factory.Services.GetRequiredService<IPredictionStore>();
        Assert.Equal(3, await store.CountAsync("credit-risk", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Stalled_store_answers_503_instead_of_acknowledging()
    {
        var store = new BlockingPredictionStore();
        using var factory = new WardenFactory { ExtraServices = s => s.RemoveAll<IPredictionStore>().AddSingleton<IPredictionStore>(store) };
        factory.Settings["Warden:PredictionLog:CommitTimeoutMs"] = "200";
        var admin = factory.Admin();
        try
        {
            var response = await admin.InferAsync(V2Requests.CreditRisk()).WaitAsync(Bounded(TimeSpan.FromMinutes(2)));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("could not be committed", await response.ErrorAsync());
        }
        finally
        {
            // Lets the writer drain at shutdown.
            store.Release();
        }
    }

    [Fact]
    public async Task Acknowledged_answer_waits_for_the_wal_sync_that_covers_its_commit()
    {
        var sync = new HeldWalSync();
        using var factory = new WardenFactory();
        factory.ExtraServices = s => s.RemoveAll<SqliteDatabase>()
            .AddSingleton(_ => new SqliteDatabase(Path.Combine(factory.DataDir, "warden.db"), pipelinedSync: true, walSync: sync.Sync));
        var admin = factory.Admin();
        try
        {
            var answer = admin.InferAsync(V2Requests.CreditRisk());

            // The sync starts only after the commit has returned: the record is committed, the answer still waits.
            await sync.Started.WaitAsync(Bounded(TimeSpan.FromMinutes(2)));
            var store = factory.Services.GetRequiredService<IPredictionStore>();
            Assert.Equal(1, await store.CountAsync("credit-risk", TestContext.Current.CancellationToken));
            Assert.False(answer.IsCompleted);

            sync.Release();
            Assert.Equal(HttpStatusCode.OK, (await answer.WaitAsync(Bounded(TimeSpan.FromMinutes(2)))).StatusCode);
        }
        finally
        {
            sync.Release();
        }
    }

    [Fact]
    public async Task Failed_wal_sync_answers_503_and_never_acknowledges()
    {
        var sync = new HeldWalSync();
        sync.Fail(new IOException("fsync failed"));
        using var factory = new WardenFactory();
        factory.ExtraServices = s => s.RemoveAll<SqliteDatabase>()
            .AddSingleton(_ => new SqliteDatabase(Path.Combine(factory.DataDir, "warden.db"), pipelinedSync: true, walSync: sync.Sync));
        var admin = factory.Admin();
        using (var before = await factory.CreateClient().GetAsync("/v2/health/ready", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            var response = await admin.InferAsync(V2Requests.CreditRisk()).WaitAsync(Bounded(TimeSpan.FromMinutes(2)));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("prediction log is unavailable", await response.ErrorAsync());
        }

        // Only the first commit's sync ran; the second commit was refused on its failure.
        Assert.Equal(1, sync.Runs);

        // The replica withdraws from service: it would refuse every acknowledged request until restarted.
        using var ready = await factory.CreateClient().GetAsync("/v2/health/ready", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, ready.StatusCode);
        Assert.Contains("cannot make its records durable", await ready.ErrorAsync());
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("pipelined", true)]
    [InlineData("commit", false)]
    public void Sqlite_log_commits_are_synced_after_they_return_unless_sync_mode_is_commit(string? mode, bool pipelined)
    {
        using var factory = new WardenFactory();
        if (mode is not null)
        {
            factory.Settings["Warden:PredictionLog:SyncMode"] = mode;
        }

        Assert.Equal(pipelined, factory.Services.GetRequiredService<SqliteDatabase>().PipelinedSync);
    }

    [Theory]
    [InlineData(true, 2L)]
    [InlineData(false, 1L)]
    public async Task Sqlite_connections_fsync_every_commit_unless_durability_is_relaxed(bool durable, long expected)
    {
        using var dir = new TempDataDir();
        var database = new SqliteDatabase(Path.Combine(dir.Path, "warden.db"), durable);
        await using SqliteConnection connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous";

        // 2 = FULL (the WAL is fsynced at each commit), 1 = NORMAL.
        Assert.Equal(expected, (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
    }
}

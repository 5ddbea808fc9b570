using Microsoft.Data.Sqlite;
using Warden.Core.Predictions;
using Warden.Core.Storage.Sql;
using Warden.Storage.Sqlite;
using Warden.Storage.Tests.Contracts;
using Warden.Tests;

namespace Warden.Storage.Tests.Sqlite;

/// <summary>
/// The prediction log's writes on SQLite: a connection kept open for them, which never checkpoints inside a commit,
/// checkpoints run beside the writes, and, pipelined, commits that return without an fsync and are durable once a group
/// sync of the WAL that started after them has completed.
/// </summary>
public sealed class SqliteLogWriteTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-logwrite-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DatabasePath => Path.Combine(_dir, "warden.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, true);
        }
    }

    private static List<StoredPrediction> Batch(int batch, int size) =>
        Enumerable.Range(0, size).Select(i => PredictionStoreContract<SqliteBackend>.Prediction($"b{batch}-{i}", i)).ToList();

    [Fact]
    public async Task Batches_written_on_the_kept_connection_are_read_by_other_connections_and_after_reopening()
    {
        using (var database = new SqliteDatabase(DatabasePath))
        {
            var store = new SqlPredictionStore(database);
            for (var b = 0; b < 20; b++)
            {
                await store.WriteBatchAsync(Batch(b, 3), Ct);
                Assert.Equal((b + 1) * 3, await store.CountAsync(cancellationToken: Ct));
            }
        }

        SqliteConnection.ClearAllPools();
        using var reopened = new SqliteDatabase(DatabasePath);
        var all = await new SqlPredictionStore(reopened).QueryAsync(new PredictionQuery(Limit: 100), Ct);
        Assert.Equal(60, all.Count);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => all[0].Sequence + i), all.Select(p => p.Sequence));
    }

    [Fact]
    public async Task A_database_with_the_full_payload_key_index_keeps_its_rows_and_gets_the_index_of_sealed_rows_only()
    {
        // A database as created before: the payload-key index holds every row.
        using (var database = new SqliteDatabase(DatabasePath))
        {
            await new SqlPredictionStore(database).WriteBatchAsync(Batch(0, 5), Ct);
            using var connection = await database.OpenAsync(Ct);
            using var command = connection.CreateCommand();
            command.CommandText = "DROP INDEX ix_predictions_payload_key; CREATE INDEX ix_predictions_payload_key ON predictions (payload_key); UPDATE predictions SET payload_key = 7 WHERE id = 'b0-1';";
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        using var reopened = new SqliteDatabase(DatabasePath);
        using var check = await reopened.OpenAsync(Ct);
        using var index = check.CreateCommand();
        index.CommandText = "SELECT sql FROM sqlite_master WHERE name = 'ix_predictions_payload_key'";
        Assert.EndsWith("WHERE payload_key IS NOT NULL", (string)index.ExecuteScalar()!, StringComparison.Ordinal);

        // The rows survive, and a lookup by key is answered from the index (which holds the one sealed row).
        Assert.Equal(5, await new SqlPredictionStore(reopened).CountAsync(cancellationToken: Ct));
        using var byKey = check.CreateCommand();
        byKey.CommandText = "SELECT id FROM predictions INDEXED BY ix_predictions_payload_key WHERE payload_key IS NOT NULL";
        Assert.Equal("b0-1", (string)byKey.ExecuteScalar()!);
    }

    [Fact]
    public async Task The_WAL_is_checkpointed_into_the_database_file_while_the_writer_never_checkpoints_itself()
    {
        using var database = new SqliteDatabase(DatabasePath, durableCommits: false);
        var store = new SqlPredictionStore(database);
        var empty = new FileInfo(DatabasePath).Length;
        for (var b = 0; b < 300; b++)
        {
            await store.WriteBatchAsync(Batch(b, 20), Ct);
        }

        // Only the background checkpoints copy pages into the main file here: no other connection commits.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (new FileInfo(DatabasePath).Length <= empty * 4 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        Assert.True(new FileInfo(DatabasePath).Length > empty * 4, $"database file still {new FileInfo(DatabasePath).Length} bytes");
        Assert.Equal(6_000, await store.CountAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task A_batch_that_fails_is_rolled_back_and_the_next_batch_is_written()
    {
        using var database = new SqliteDatabase(DatabasePath);
        var store = new SqlPredictionStore(database);
        await store.WriteBatchAsync(Batch(0, 2), Ct);
        var broken = Batch(1, 2);
        broken[1] = broken[1] with { Model = null! };

        await Assert.ThrowsAsync<SqliteException>(() => store.WriteBatchAsync(broken, Ct));
        await store.WriteBatchAsync(Batch(2, 2), Ct);

        var all = await store.QueryAsync(new PredictionQuery(Limit: 10), Ct);
        Assert.Equal(["b0-0", "b0-1", "b2-0", "b2-1"], all.Select(p => p.Id));
    }

    private static Task Bounded(Task task) => task.WaitAsync(TimeSpan.FromMinutes(2), Ct);

    // A pipelined database whose WAL sync the scenario holds; released afterwards so the database can close.
    private async Task WithHeldSync(Func<SqlPredictionStore, HeldWalSync, Task> scenario)
    {
        var sync = new HeldWalSync();
        using var database = new SqliteDatabase(DatabasePath, pipelinedSync: true, walSync: sync.Sync);
        try
        {
            await scenario(new SqlPredictionStore(database), sync);
        }
        finally
        {
            sync.Release();
        }
    }

    [Fact]
    public Task A_pipelined_commit_is_durable_only_once_a_sync_started_after_it_has_completed() => WithHeldSync(async (store, sync) =>
    {
        var durable = await store.CommitBatchAsync(Batch(0, 3), Ct);

        // Committed (other connections read it) and the sync has started, but it has not completed.
        await Bounded(sync.Started);
        Assert.Equal(3, await store.CountAsync(cancellationToken: Ct));
        Assert.False(durable.IsCompleted);

        sync.Release();
        await Bounded(durable);
        Assert.Equal(1, sync.Runs);
    });

    [Fact]
    public Task Commits_made_while_a_sync_runs_share_the_next_sync() => WithHeldSync(async (store, sync) =>
    {
        var first = await store.CommitBatchAsync(Batch(0, 2), Ct);
        await Bounded(sync.Started);

        // The running sync started before these commits, so it cannot cover them: they wait for the next one, together.
        var later = new List<Task>();
        for (var b = 1; b <= 4; b++)
        {
            later.Add(await store.CommitBatchAsync(Batch(b, 2), Ct));
        }

        Assert.False(first.IsCompleted);
        Assert.All(later, t => Assert.False(t.IsCompleted));
        Assert.Equal(1, sync.Runs);

        sync.Release();
        await Bounded(Task.WhenAll(later.Append(first)));
        Assert.Equal(2, sync.Runs);
        Assert.Equal(10, await store.CountAsync(cancellationToken: Ct));
    });

    [Fact]
    public Task A_failed_sync_fails_the_commits_it_covers_and_every_later_one() => WithHeldSync(async (store, sync) =>
    {
        var durable = await store.CommitBatchAsync(Batch(0, 2), Ct);
        await Bounded(sync.Started);
        sync.Fail(new IOException("disk gone"));

        var failure = await Assert.ThrowsAsync<IOException>(() => Bounded(durable));
        Assert.Equal("disk gone", failure.Message);

        // A later fsync that succeeds would not prove the earlier frames reached the disk: nothing more is made durable.
        await Assert.ThrowsAsync<IOException>(() => Bounded(store.WriteBatchAsync(Batch(1, 2), Ct)));
        Assert.Equal(1, sync.Runs);
    });

    [Fact]
    public async Task Pipelined_commits_synced_by_the_real_fsync_are_read_after_reopening()
    {
        using (var database = new SqliteDatabase(DatabasePath, pipelinedSync: true))
        {
            Assert.True(database.PipelinedSync);
            var store = new SqlPredictionStore(database);
            var durable = new List<Task>();
            for (var b = 0; b < 20; b++)
            {
                durable.Add(await store.CommitBatchAsync(Batch(b, 3), Ct));
            }

            await Bounded(Task.WhenAll(durable));
        }

        SqliteConnection.ClearAllPools();
        using var reopened = new SqliteDatabase(DatabasePath);
        Assert.Equal(60, await new SqlPredictionStore(reopened).CountAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task Without_pipelining_a_commit_is_durable_when_it_returns()
    {
        var sync = new HeldWalSync();
        using var database = new SqliteDatabase(DatabasePath, walSync: sync.Sync);
        var durable = await new SqlPredictionStore(database).CommitBatchAsync(Batch(0, 2), Ct);

        Assert.True(durable.IsCompletedSuccessfully);
        Assert.False(database.PipelinedSync);
        Assert.Equal(0, sync.Runs);
    }
}

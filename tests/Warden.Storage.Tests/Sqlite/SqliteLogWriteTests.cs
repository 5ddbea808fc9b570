using Microsoft.Data.Sqlite;
using Warden.Core.Predictions;
using Warden.Core.Storage.Sql;
using Warden.Storage.Sqlite;
using Warden.Storage.Tests.Contracts;

namespace Warden.Storage.Tests.Sqlite;

/// <summary>
/// The prediction log's writes on SQLite: a connection kept open for them, which never checkpoints inside a commit, and
/// checkpoints run beside the writes.
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
}

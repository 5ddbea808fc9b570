using Microsoft.Data.Sqlite;
using Warden.Storage.Sqlite;

namespace Warden.Storage.Tests.Sqlite;

public sealed class SqliteLegacyEdgeImportTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-legacy-edge-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Bundles_devices_and_telemetry_of_the_old_edge_database_move_into_the_main_database_once()
    {
        // The layout of <DataDir>/edge/edge.db before epochs and device keys.
        Directory.CreateDirectory(Path.Combine(_dir, "edge"));
        var legacy = Path.Combine(_dir, "edge", "edge.db");
        using (var old = new SqliteConnection($"Data Source={legacy};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE edge_bundles (bundle_id TEXT PRIMARY KEY, model TEXT NOT NULL, version TEXT NOT NULL, channel TEXT NOT NULL,
                    sha256 TEXT NOT NULL, size_bytes INTEGER NOT NULL, signer TEXT NOT NULL, encrypted INTEGER NOT NULL,
                    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, uploaded_by TEXT NOT NULL, uploaded_at INTEGER NOT NULL, revoked_at INTEGER NULL);
                CREATE TABLE edge_devices (device_id TEXT PRIMARY KEY, channel TEXT NOT NULL, key_id TEXT NULL, registered_by TEXT NOT NULL, last_seen INTEGER NOT NULL);
                CREATE TABLE edge_telemetry (device_id TEXT NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NULL,
                    received_at INTEGER NOT NULL, PRIMARY KEY (device_id, seq));
                INSERT INTO edge_bundles VALUES ('b1', 'credit-risk', '1', 'stable', 'abc', 10, 'signer', 0, 1, 2, 'key_admin', 3, NULL);
                INSERT INTO edge_devices VALUES ('dev-1', 'stable', NULL, 'key_admin', 4);
                INSERT INTO edge_telemetry VALUES ('dev-1', 1, 5, 'prediction', NULL, 6), ('dev-1', 2, 7, 'prediction', NULL, 8);
                """;
            create.ExecuteNonQuery();
        }

        _ = new SqliteDatabase(Path.Combine(_dir, "warden.db"));
        _ = new SqliteDatabase(Path.Combine(_dir, "warden.db"));

        Assert.False(File.Exists(legacy));
        Assert.True(File.Exists(legacy + ".imported"));
        Assert.Equal(1, Count("SELECT COUNT(*) FROM edge_bundles WHERE bundle_id = 'b1' AND sha256 = 'abc'"));
        Assert.Equal(1, Count("SELECT COUNT(*) FROM edge_devices WHERE device_id = 'dev-1' AND public_key IS NULL"));
        Assert.Equal(2, Count("SELECT COUNT(*) FROM edge_telemetry WHERE device_id = 'dev-1' AND epoch = ''"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, true);
        }
    }

    private long Count(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dir, "warden.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}

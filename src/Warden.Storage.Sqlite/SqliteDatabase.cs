using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Warden.Core.Storage.Sql;
using Warden.Core.Telemetry;

namespace Warden.Storage.Sqlite;

/// <summary>
/// The embedded single-node store: one SQLite file in WAL mode, schema created on first open. The prediction log's batches
/// go through a connection kept open for them (<see cref="CommitAsync"/>), with the WAL checkpointed beside them and,
/// when pipelined, fsynced beside them too.
/// </summary>
public sealed class SqliteDatabase : SqlDatabase, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS model_versions (
            model TEXT NOT NULL, version TEXT NOT NULL, version_num INTEGER NOT NULL,
            sha256 TEXT NOT NULL, size_bytes INTEGER NOT NULL, stage TEXT NOT NULL,
            deployed_by TEXT NOT NULL, deployed_at INTEGER NOT NULL,
            signature TEXT NOT NULL, card TEXT NOT NULL,
            PRIMARY KEY (model, version));
        CREATE TABLE IF NOT EXISTS production_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT, model TEXT NOT NULL, version TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS api_keys (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, models TEXT NOT NULL,
            secret_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, expires_at INTEGER NULL, revoked_at INTEGER NULL);
        CREATE TABLE IF NOT EXISTS audit_log (
            seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
            target TEXT NOT NULL, details TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS predictions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, time INTEGER NOT NULL,
            model TEXT NOT NULL, version TEXT NOT NULL, key_id TEXT NOT NULL, purpose TEXT NULL,
            inputs TEXT NOT NULL, outputs TEXT NOT NULL, sensitive TEXT NULL, latency_ms REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_predictions_model_time ON predictions (model, time);
        CREATE INDEX IF NOT EXISTS ix_predictions_id ON predictions (id);
        CREATE INDEX IF NOT EXISTS ix_predictions_model_seq ON predictions (model, seq);
        CREATE TABLE IF NOT EXISTS prediction_feature_blocks (
            block_id TEXT PRIMARY KEY, model TEXT NOT NULL, version TEXT NOT NULL, first_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL, max_time INTEGER NOT NULL, payload_key INTEGER NULL, block BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_prediction_feature_blocks_model_seq ON prediction_feature_blocks (model, first_seq);
        CREATE TABLE IF NOT EXISTS feedback (
            model TEXT NOT NULL, prediction_id TEXT NOT NULL, label TEXT NOT NULL, source TEXT NOT NULL,
            actor TEXT NOT NULL, time INTEGER NOT NULL, owner_key TEXT NOT NULL DEFAULT '', PRIMARY KEY (model, owner_key, prediction_id));
        CREATE TABLE IF NOT EXISTS model_settings (
            model TEXT NOT NULL, kind TEXT NOT NULL, version INTEGER NOT NULL, json TEXT NOT NULL,
            actor TEXT NOT NULL, time INTEGER NOT NULL, PRIMARY KEY (model, kind, version));
        CREATE TABLE IF NOT EXISTS usage_counts (
            bucket INTEGER NOT NULL, key_id TEXT NOT NULL, model TEXT NOT NULL, purpose TEXT NOT NULL,
            requests INTEGER NOT NULL, errors INTEGER NOT NULL, violations INTEGER NOT NULL,
            PRIMARY KEY (bucket, key_id, model, purpose));
        CREATE INDEX IF NOT EXISTS ix_usage_counts_key ON usage_counts (key_id, bucket);
        CREATE TABLE IF NOT EXISTS drift_evaluations (
            id INTEGER PRIMARY KEY AUTOINCREMENT, model TEXT NOT NULL, version TEXT NOT NULL, time INTEGER NOT NULL, window_start INTEGER NULL,
            rows INTEGER NOT NULL, drift_share REAL NOT NULL, dataset_drift INTEGER NOT NULL, alerts INTEGER NOT NULL, features TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_drift_evaluations_model ON drift_evaluations (model, id);
        CREATE TABLE IF NOT EXISTS refusal_counts (
            bucket INTEGER NOT NULL, key_id TEXT NOT NULL, model TEXT NOT NULL, reason TEXT NOT NULL, status INTEGER NOT NULL,
            count INTEGER NOT NULL, PRIMARY KEY (bucket, key_id, model, reason, status));
        CREATE TABLE IF NOT EXISTS fairness_audits (
            id INTEGER PRIMARY KEY AUTOINCREMENT, model TEXT NOT NULL, version TEXT NULL, time INTEGER NOT NULL,
            actor TEXT NOT NULL, trigger TEXT NOT NULL, rows INTEGER NOT NULL, passed INTEGER NULL,
            failures TEXT NOT NULL, report TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_fairness_audits_model ON fairness_audits (model, version, id);
        CREATE TABLE IF NOT EXISTS abuse_alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, model TEXT NOT NULL, key_id TEXT NOT NULL, kind TEXT NOT NULL,
            statistic REAL NOT NULL, threshold REAL NOT NULL, query_count INTEGER NOT NULL, detail TEXT NOT NULL, suspended INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_abuse_alerts_time ON abuse_alerts (time);
        CREATE TABLE IF NOT EXISTS reference_profiles (
            model TEXT NOT NULL, version TEXT NOT NULL, profile TEXT NOT NULL, scores TEXT NULL,
            actor TEXT NOT NULL, time INTEGER NOT NULL, PRIMARY KEY (model, version));
        CREATE TABLE IF NOT EXISTS retrain_jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT, model TEXT NOT NULL, base_version TEXT NULL, trigger TEXT NOT NULL, actor TEXT NOT NULL,
            status TEXT NOT NULL, progress REAL NOT NULL, phase TEXT NOT NULL, created INTEGER NOT NULL, started INTEGER NULL,
            finished INTEGER NULL, result_version TEXT NULL, error TEXT NULL, training_data TEXT NOT NULL, feedback_rows INTEGER NOT NULL, feedback_weight REAL NULL);
        CREATE INDEX IF NOT EXISTS ix_retrain_jobs_model ON retrain_jobs (model, id);
        CREATE TABLE IF NOT EXISTS retrain_logs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id INTEGER NOT NULL, time INTEGER NOT NULL, message TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_retrain_logs_job ON retrain_logs (job_id, seq);
        CREATE TABLE IF NOT EXISTS review_items (
            id TEXT PRIMARY KEY, model TEXT NOT NULL, version TEXT NOT NULL, prediction_id TEXT NOT NULL, requester TEXT NOT NULL,
            mode TEXT NOT NULL, status TEXT NOT NULL, reasons TEXT NOT NULL, inputs TEXT NOT NULL, outputs TEXT NOT NULL,
            score REAL NULL, explanation TEXT NULL, assigned_to TEXT NULL, claimed_by TEXT NULL, claim_expires INTEGER NULL,
            created_at INTEGER NOT NULL, deadline INTEGER NOT NULL, label TEXT NULL, decided_at INTEGER NULL,
            reviewers_required INTEGER NOT NULL, max_reviewers INTEGER NOT NULL, claim_minutes REAL NOT NULL, labels TEXT NOT NULL,
            payload_key INTEGER NULL);
        CREATE INDEX IF NOT EXISTS ix_review_items_status ON review_items (status, deadline);
        CREATE TABLE IF NOT EXISTS review_votes (
            item_id TEXT NOT NULL, reviewer TEXT NOT NULL, label TEXT NOT NULL, note TEXT NULL, time INTEGER NOT NULL,
            PRIMARY KEY (item_id, reviewer));
        CREATE TABLE IF NOT EXISTS edge_bundles (
            bundle_id TEXT PRIMARY KEY, model TEXT NOT NULL, version TEXT NOT NULL, channel TEXT NOT NULL,
            sha256 TEXT NOT NULL, size_bytes INTEGER NOT NULL, signer TEXT NOT NULL, encrypted INTEGER NOT NULL,
            created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, uploaded_by TEXT NOT NULL, uploaded_at INTEGER NOT NULL,
            revoked_at INTEGER NULL);
        CREATE TABLE IF NOT EXISTS edge_devices (
            device_id TEXT PRIMARY KEY, channel TEXT NOT NULL, key_id TEXT NULL, registered_by TEXT NOT NULL, last_seen INTEGER NOT NULL,
            public_key TEXT NULL);
        CREATE TABLE IF NOT EXISTS edge_telemetry (
            device_id TEXT NOT NULL, epoch TEXT NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NULL,
            received_at INTEGER NOT NULL, PRIMARY KEY (device_id, epoch, seq));
        """;

    // Keys stopped by the abuse monitor before suspensions had their own column: marked, so they can be reinstated.
    private const string MarkEarlierSuspensions =
        "UPDATE api_keys SET suspended_at = revoked_at WHERE revoked_at IS NOT NULL AND suspended_at IS NULL " +
        "AND id IN (SELECT key_id FROM abuse_alerts WHERE suspended = 1);";

    // Columns added after the first release; databases created earlier get them on open.
    private static readonly (string Table, string Column, string Definition)[] AddedColumns =
    [
        ("api_keys", "purposes", "TEXT NULL"),
        ("api_keys", "default_purpose", "TEXT NULL"),
        ("api_keys", "limits", "TEXT NULL"),
        ("model_versions", "kind", "TEXT NOT NULL DEFAULT 'model'"),
        ("predictions", "payload_key", "INTEGER NULL"),
        ("retrain_jobs", "feedback_weight", "REAL NULL"),
        ("prediction_feature_blocks", "layout", "INTEGER NOT NULL DEFAULT 1"),
        ("prediction_feature_blocks", "sealed", "TEXT NULL"),
        ("review_items", "terms", "TEXT NULL"),
        ("review_items", "answer", "TEXT NULL"),
        ("review_items", "revision", "INTEGER NOT NULL DEFAULT 0"),
        ("api_keys", "suspended_at", "INTEGER NULL"),
    ];

    private readonly string _connectionString;
    private readonly WardenMetrics? _metrics;
    private readonly string _keptConnectionString;
    private readonly string _connectionPragmas;

    /// <summary>Opens (and creates if needed) the database file at <paramref name="path"/>.</summary>
    /// <param name="path">Database file.</param>
    /// <param name="durableCommits">
    /// True (the default): every commit is fsynced (<c>synchronous=FULL</c>), so whatever was acknowledged after a commit —
    /// predictions, audit entries, keys, feedback, reviews, settings — survives a crash of the machine, not only of the process.
    /// False: <c>synchronous=NORMAL</c>, which in WAL mode may lose the last commits on a power loss (never corrupts).
    /// </param>
    /// <param name="walLimitBytes">
    /// The size past which the WAL is restarted before the log's next batch (see <see cref="CommitAsync"/>); 16 MiB by default.
    /// </param>
    /// <param name="pipelinedSync">
    /// With <paramref name="durableCommits"/>: the prediction log's commits (<see cref="CommitAsync"/>) return without an
    /// fsync (<c>synchronous=NORMAL</c> on the kept connection) and their durability task completes once a group sync of
    /// the WAL that started after them has completed, so the log can commit its next batch meanwhile. Every other
    /// connection still commits with <c>synchronous=FULL</c>. False (the default): the log's commits fsync inside.
    /// </param>
    /// <param name="walSync">
    /// The step that makes the WAL durable under <paramref name="pipelinedSync"/> (a test holds or fails it); by default
    /// an fsync of the <c>-wal</c> file (see <see cref="SyncWal"/>).
    /// </param>
    /// <param name="metrics">Where the durations of the group syncs and of the WAL checkpoints are recorded; none when null.</param>
    public SqliteDatabase(string path, bool durableCommits = true, long walLimitBytes = 16 << 20, bool pipelinedSync = false, Action? walSync = null, WardenMetrics? metrics = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(walLimitBytes, 1);
        Path = path;
        DurableCommits = durableCommits;
        _metrics = metrics;
        _connectionPragmas = "PRAGMA busy_timeout=30000; PRAGMA synchronous=" + (durableCommits ? "FULL;" : "NORMAL;");
        if (durableCommits && pipelinedSync)
        {
            var sync = walSync ?? SyncWal;
            _walSync = new WalSync(metrics is null ? sync : () =>
            {
                var started = Stopwatch.GetTimestamp();
                sync();
                metrics.RecordLogSync(Stopwatch.GetElapsedTime(started).TotalSeconds);
            });
            _writerPragmas = "PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL;";
        }
        else
        {
            _writerPragmas = _connectionPragmas;
        }

        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Shared,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        // The kept connections have a cache of their own: in the shared cache, a checkpoint would hold the mutex that every
        // other connection of the process needs.
        _keptConnectionString = new SqliteConnectionStringBuilder(_connectionString) { Cache = SqliteCacheMode.Private, Pooling = false }.ToString();

        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        using (var pageSize = new SqliteCommand("PRAGMA page_size;", connection))
        {
            // A WAL frame is a page and its 24-byte header.
            _walLimitFrames = Math.Max(1, walLimitBytes / (Convert.ToInt64(pageSize.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) + 24));
        }
        Execute(connection, Schema);
        var hadSuspensions = HasColumn(connection, "api_keys", "suspended_at");
        foreach (var (table, column, definition) in AddedColumns)
        {
            if (!HasColumn(connection, table, column))
            {
                Execute(connection, $"ALTER TABLE {table} ADD COLUMN {column} {definition};");
            }
        }

        if (!hadSuspensions)
        {
            // Keys the abuse monitor stopped before suspensions were marked: their stored alerts say so.
            Execute(connection, MarkEarlierSuspensions);
        }

        if (!HasColumn(connection, "feedback", "owner_key"))
        {
            NamespaceFeedbackByKey(connection);
        }

        // Sealed monitoring blocks were once kept as text in the block column; they now sit in their own column, as on
        // PostgreSQL, so that one store reads both.
        Execute(connection, "UPDATE prediction_feature_blocks SET sealed = CAST(block AS TEXT), block = X'' WHERE payload_key IS NOT NULL AND sealed IS NULL;");

        // After the added columns: rotation and the startup key check look rows up by payload key.
        IndexSealedPredictions(connection);
        if (!string.IsNullOrEmpty(directory))
        {
            ImportLegacyEdgeDatabase(connection, System.IO.Path.Combine(directory, "edge", "edge.db"));
        }
    }

    // The payload-key index holds sealed rows only. Every query by payload key either asks for a key (sealed rows) or counts
    // the rows in clear as all rows less the sealed ones (SqlPayloadReencryptor), so rows in clear need no entry — and with
    // encryption off, the default, that is every row: the prediction log's commits then leave this B-tree alone (one page
    // fewer in the WAL per commit, one index insert fewer per record). Databases created before get the index rebuilt
    // partial, once: it reads the table, and drops the full index's entries.
    private const string SealedPredictionsIndex = "CREATE INDEX ix_predictions_payload_key ON predictions (payload_key) WHERE payload_key IS NOT NULL";

    private static void IndexSealedPredictions(SqliteConnection connection)
    {
        using (var existing = new SqliteCommand("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'ix_predictions_payload_key'", connection))
        {
            if (existing.ExecuteScalar() is string sql && sql == SealedPredictionsIndex)
            {
                return;
            }
        }

        Execute(connection, "BEGIN; DROP INDEX IF EXISTS ix_predictions_payload_key; " + SealedPredictionsIndex + "; COMMIT;");
    }

    // The edge fleet once kept its own database beside this one (<DataDir>/edge/edge.db). Its rows move in once; the old
    // file is then renamed, so the import never runs twice and the file stays for whoever wants to check it.
    private static void ImportLegacyEdgeDatabase(SqliteConnection connection, string legacy)
    {
        if (!File.Exists(legacy))
        {
            return;
        }

        Execute(connection, $"ATTACH DATABASE '{legacy.Replace("'", "''", StringComparison.Ordinal)}' AS legacy_edge;");
        try
        {
            var telemetry = TableExists(connection, "legacy_edge", "edge_telemetry_v2") ? "edge_telemetry_v2"
                : TableExists(connection, "legacy_edge", "edge_telemetry") ? "edge_telemetry" : null;
            var epoch = telemetry == "edge_telemetry_v2" ? "epoch" : "''";
            var publicKey = HasColumn(connection, "edge_devices", "public_key", "legacy_edge") ? "public_key" : "NULL";
            Execute(connection, "BEGIN;");
            if (TableExists(connection, "legacy_edge", "edge_bundles"))
            {
                Execute(connection, """
                    INSERT OR IGNORE INTO edge_bundles (bundle_id, model, version, channel, sha256, size_bytes, signer, encrypted, created_at, expires_at, uploaded_by, uploaded_at, revoked_at)
                    SELECT bundle_id, model, version, channel, sha256, size_bytes, signer, encrypted, created_at, expires_at, uploaded_by, uploaded_at, revoked_at FROM legacy_edge.edge_bundles;
                    """);
            }

            if (TableExists(connection, "legacy_edge", "edge_devices"))
            {
                Execute(connection, $"""
                    INSERT OR IGNORE INTO edge_devices (device_id, channel, key_id, registered_by, last_seen, public_key)
                    SELECT device_id, channel, key_id, registered_by, last_seen, {publicKey} FROM legacy_edge.edge_devices;
                    """);
            }

            if (telemetry is not null)
            {
                Execute(connection, $"""
                    INSERT OR IGNORE INTO edge_telemetry (device_id, epoch, seq, time, kind, data, received_at)
                    SELECT device_id, {epoch}, seq, time, kind, data, received_at FROM legacy_edge.{telemetry};
                    """);
            }

            Execute(connection, "COMMIT;");
        }
        finally
        {
            Execute(connection, "DETACH DATABASE legacy_edge;");
        }

        File.Move(legacy, legacy + ".imported", overwrite: true);
    }

    private static bool TableExists(SqliteConnection connection, string schema, string table) =>
        AnyRow(connection, $"SELECT COUNT(*) FROM {schema}.sqlite_master WHERE type = 'table' AND name = $name", table);

    // Request ids are namespaced by key: a label belongs to (model, owner key, id). Labels stored before that are given the
    // key of the first prediction logged with their id ('' when none), which is what the old join matched first.
    private static void NamespaceFeedbackByKey(SqliteConnection connection) => Execute(connection, """
        BEGIN;
        CREATE TABLE feedback_by_key (
            model TEXT NOT NULL, prediction_id TEXT NOT NULL, label TEXT NOT NULL, source TEXT NOT NULL,
            actor TEXT NOT NULL, time INTEGER NOT NULL, owner_key TEXT NOT NULL DEFAULT '', PRIMARY KEY (model, owner_key, prediction_id));
        INSERT INTO feedback_by_key (model, prediction_id, label, source, actor, time, owner_key)
            SELECT f.model, f.prediction_id, f.label, f.source, f.actor, f.time,
                   COALESCE((SELECT p.key_id FROM predictions p WHERE p.model = f.model AND p.id = f.prediction_id ORDER BY p.seq LIMIT 1), '')
            FROM feedback f;
        DROP TABLE feedback;
        ALTER TABLE feedback_by_key RENAME TO feedback;
        COMMIT;
        """);

    /// <summary>Database file path.</summary>
    public string Path { get; }

    /// <summary>Whether every commit is durable (fsynced) before it returns, or, for the log's pipelined commits, before their durability task completes.</summary>
    public bool DurableCommits { get; }

    /// <summary>Whether the prediction log's commits are fsynced after they return, by a group sync (see the constructor).</summary>
    public bool PipelinedSync => _walSync is not null;

    public override SqlDialect Dialect => SqliteDialect.Instance;

    public override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) =>
        await OpenAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Opens a pooled connection with the per-connection settings applied.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        Execute(connection, _connectionPragmas);
        return connection;
    }

    // Checkpoints of the WAL into the database file. SQLite runs them by default inside the commit that takes the WAL past
    // 1,000 pages, i.e. on the prediction log's writer with every request of the batch waiting. The writer's connection
    // turns that off; instead, every CheckpointEveryCommits commits a PASSIVE checkpoint runs on a connection of its own,
    // beside the writes. A passive checkpoint cannot restart the WAL while commits keep coming (the next writer reuses
    // the file from the start only when everything in it was copied before its transaction began), so once the WAL holds
    // more than the limit the writer itself runs a RESTART checkpoint before its next batch: by then only the frames
    // committed during the passive run remain to be copied. Durability does not depend on any of this: a commit is
    // durable once its WAL frames are synced — inside the commit (synchronous=FULL), or by the group sync after it
    // (pipelined, see SyncWal for why checkpoints and WAL restarts keep that true).
    private const int CheckpointEveryCommits = 64;
    private readonly long _walLimitFrames;
    private readonly SemaphoreSlim _writerGate = new(1, 1);
    private KeptConnection? _writer;
    private KeptConnection? _checkpointer;
    private int _commitsSinceCheckpoint;
    private int _checkpointing;
    private Task _checkpoint = Task.CompletedTask;
    private volatile bool _restartDue;
    private bool _disposed;
    private readonly WalSync? _walSync;
    private readonly string _writerPragmas;

    // Bumped each time the writer's connection is opened; the sync flushes the directory once per value (see SyncWal).
    private int _writerGeneration;
    private int _directorySyncedGeneration = -1;

    /// <summary>Runs <paramref name="write"/> as <see cref="CommitAsync"/> does and returns once the commit is durable.</summary>
    public override async Task WriteAsync(Func<DbConnection, DbTransaction, CancellationToken, Task> write, CancellationToken cancellationToken = default) =>
        await (await CommitAsync(write, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>
    /// Runs <paramref name="write"/> in a write transaction on the connection kept for the prediction log's appends (its
    /// statements stay prepared and it never checkpoints inside a commit). Returns, once committed, the task of the
    /// commit's durability: already complete when the commit fsynced the WAL itself, else that of the group sync
    /// covering it (pipelined). Writes wait their turn for the kept connection rather than take a pooled one, so every
    /// log write is covered by the same sync.
    /// </summary>
    public override async Task<Task> CommitAsync(Func<DbConnection, DbTransaction, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        await _writerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                // A pooled connection commits with synchronous=FULL: durable when it returns.
                await base.WriteAsync(write, cancellationToken).ConfigureAwait(false);
                return Task.CompletedTask;
            }

            if (_writer is null)
            {
                _writer = OpenKept(autoCheckpoint: false);
                Interlocked.Increment(ref _writerGeneration);
            }

            var connection = _writer;
            try
            {
                if (_restartDue)
                {
                    _restartDue = false;
                    var started = Stopwatch.GetTimestamp();
                    RestartWal(connection);
                    _metrics?.RecordCheckpoint("restart", Stopwatch.GetElapsedTime(started).TotalSeconds);
                }

                using var transaction = connection.BeginTransaction();
                await write(connection, transaction, cancellationToken).ConfigureAwait(false);
                transaction.Commit();
            }
            catch
            {
                // A connection that failed mid-write is not trusted with the next batch (it may be left in a transaction).
                _writer = null;
                connection.Dispose();
                throw;
            }

            // Asked only now that the commit has returned: the sync that answers starts after it.
            var durable = _walSync?.AfterCommit() ?? Task.CompletedTask;
            if (++_commitsSinceCheckpoint >= CheckpointEveryCommits && Interlocked.CompareExchange(ref _checkpointing, 1, 0) == 0)
            {
                _commitsSinceCheckpoint = 0;
                _checkpoint = Task.Run(CheckpointWal, CancellationToken.None);
            }

            return durable;
        }
        finally
        {
            _writerGate.Release();
        }
    }

    // PASSIVE: copies what no reader still needs from the WAL, without taking the write lock, so commits go on meanwhile.
    private void CheckpointWal()
    {
        try
        {
            var connection = _checkpointer ??= OpenKept(autoCheckpoint: true);
            var started = Stopwatch.GetTimestamp();
            using var reader = connection.Statement("PRAGMA wal_checkpoint(PASSIVE);").ExecuteReader();
            if (reader.Read() && reader.GetInt64(1) >= _walLimitFrames)
            {
                _restartDue = true;
            }

            _metrics?.RecordCheckpoint("passive", Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        catch (SqliteException)
        {
            // Tried again after the next commits; the WAL keeps every commit meanwhile.
            _checkpointer?.Dispose();
            _checkpointer = null;
        }
        finally
        {
            Volatile.Write(ref _checkpointing, 0);
        }
    }

    // RESTART holds the write lock while it copies the rest of the WAL and waits for readers still on older snapshots; a
    // short busy timeout keeps a long read from holding the writer up (the WAL is restarted at a later batch instead).
    private static void RestartWal(KeptConnection connection)
    {
        connection.Statement("PRAGMA busy_timeout=50;").ExecuteNonQuery();
        try
        {
            using var reader = connection.Statement("PRAGMA wal_checkpoint(RESTART);").ExecuteReader();
            reader.Read();
        }
        finally
        {
            connection.Statement("PRAGMA busy_timeout=30000;").ExecuteNonQuery();
        }
    }

    // The writer's connection commits without an fsync when pipelined; the checkpointer's keeps the others' setting.
    private KeptConnection OpenKept(bool autoCheckpoint)
    {
        var connection = new KeptConnection(_keptConnectionString);
        connection.Open();
        Execute(connection, autoCheckpoint ? _connectionPragmas : _writerPragmas + " PRAGMA wal_autocheckpoint=0;");
        return connection;
    }

    // The pipelined commits' group sync: an fsync of the -wal file, which every commit of the log appended its frames to.
    // Why a commit covered by it survives a power loss:
    // - fsync writes back every dirty page of the file (see DurableFile.TryFlush), so after it returns, all frames written
    //   before it started — those of every commit that returned before — are on disk, and SQLite's recovery replays them.
    // - The file at the path is the one the commits wrote to: the WAL is deleted only when the last connection to the
    //   database closes, and the writer's connection, open since those commits, holds it. When the writer's connection
    //   is replaced the WAL may have been deleted and created anew meanwhile, so the first sync of each writer connection
    //   also flushes the directory, making the file's entry durable (SQLite does this only when it syncs a WAL it just
    //   created, which a synchronous=NORMAL connection may never do).
    // - Checkpoints: with synchronous=NORMAL (writer, RESTART) or FULL (checkpointer, PASSIVE), SQLite fsyncs the WAL
    //   before copying frames into the database file and fsyncs the database file after, so a page moved there is durable
    //   whether or not our sync has run. The WAL restarts from its start only after a checkpoint copied (and synced) all of
    //   it; the overwritten frames' contents are then in the database file, and the new frames carry a new salt, so on
    //   recovery SQLite stops at the first frame not written since the restart rather than replaying stale ones. A
    //   commit made after the restart is covered by the next sync like any other.
    // - No WAL at all (the last connection closed and removed it after a full checkpoint): the commits are in the
    //   database file, which the database file's fsync here makes sure of.
    private void SyncWal()
    {
        var generation = Volatile.Read(ref _writerGeneration);
        if (!DurableFile.TryFlush(Path + "-wal"))
        {
            DurableFile.TryFlush(Path);
            return;
        }

        if (generation != _directorySyncedGeneration)
        {
            DurableFile.FlushDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            _directorySyncedGeneration = generation;
        }
    }

    /// <summary>Closes the connections kept for the prediction log's writes and checkpoints (once the log has drained).</summary>
    public void Dispose()
    {
        _writerGate.Wait();
        try
        {
            _disposed = true;
            _checkpoint.Wait();
            _walSync?.Idle.Wait();
            _writer?.Dispose();
            _writer = null;
            _checkpointer?.Dispose();
            _checkpointer = null;
        }
        finally
        {
            _writerGate.Release();
        }
    }

    private static bool HasColumn(SqliteConnection connection, string table, string column, string schema = "main") =>
        AnyRow(connection, $"SELECT COUNT(*) FROM pragma_table_info('{table}', '{schema}') WHERE name = $name", column);

    // Schema probes of the migrations: a COUNT(*) query with one `$name` parameter, true when it counts anything.
    private static bool AnyRow(SqliteConnection connection, string countSql, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = countSql;
        command.Parameters.AddWithValue("$name", name);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

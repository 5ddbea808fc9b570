using Npgsql;

namespace Warden.Storage.PostgreSql;

/// <summary>
/// Versioned schema of the PostgreSQL store. Each migration runs once, in order, in its own transaction, and records its
/// version in <c>warden_schema</c>. <c>warden db migrate</c> applies them; the server only checks (see
/// <see cref="PostgresSchemaCheck"/>) unless <c>Warden:Database:MigrateAtStart</c> is set, so that a schema change is an
/// operator's deliberate step and not a side effect of one replica rolling out first.
/// </summary>
public static class PostgresMigrations
{
    /// <summary>The migrations, oldest first; never edit one that has shipped, add the next.</summary>
    public static IReadOnlyList<(int Version, string Description, string Sql)> All { get; } =
    [
        (1, "initial schema", """
            CREATE TABLE model_versions (
                model text NOT NULL, version text NOT NULL, version_num bigint NOT NULL,
                sha256 text NOT NULL, size_bytes bigint NOT NULL, stage text NOT NULL,
                deployed_by text NOT NULL, deployed_at bigint NOT NULL,
                signature text NOT NULL, card text NOT NULL, kind text NOT NULL DEFAULT 'model',
                PRIMARY KEY (model, version));
            CREATE TABLE production_history (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, model text NOT NULL, version text NOT NULL);
            CREATE TABLE model_blobs (
                sha256 text NOT NULL, chunk integer NOT NULL, data bytea NOT NULL, PRIMARY KEY (sha256, chunk));
            CREATE TABLE model_blob_heads (
                sha256 text PRIMARY KEY, size_bytes bigint NOT NULL, chunks integer NOT NULL);
            CREATE TABLE api_keys (
                id text PRIMARY KEY, name text NOT NULL, role text NOT NULL, models text NOT NULL,
                secret_hash text NOT NULL UNIQUE, created_at bigint NOT NULL, expires_at bigint NULL, revoked_at bigint NULL,
                purposes text NULL, default_purpose text NULL, limits text NULL);
            CREATE TABLE audit_log (
                seq bigint PRIMARY KEY, time bigint NOT NULL, actor text NOT NULL, action text NOT NULL,
                target text NOT NULL, details text NOT NULL, prev_hash text NOT NULL, hash text NOT NULL);
            CREATE SEQUENCE predictions_seq AS bigint;
            CREATE TABLE predictions (
                seq bigint PRIMARY KEY, id text NOT NULL, time bigint NOT NULL,
                model text NOT NULL, version text NOT NULL, key_id text NOT NULL, purpose text NULL,
                inputs text NOT NULL, outputs text NOT NULL, sensitive text NULL, latency_ms double precision NOT NULL,
                payload_key integer NULL);
            CREATE INDEX ix_predictions_model_time ON predictions (model, time);
            CREATE INDEX ix_predictions_id ON predictions (id);
            CREATE INDEX ix_predictions_model_seq ON predictions (model, seq);
            CREATE INDEX ix_predictions_payload_key ON predictions (payload_key);
            CREATE TABLE prediction_feature_blocks (
                block_id text PRIMARY KEY, model text NOT NULL, version text NOT NULL, first_seq bigint NOT NULL,
                last_seq bigint NOT NULL, max_time bigint NOT NULL, payload_key integer NULL, block bytea NULL, sealed text NULL,
                layout integer NOT NULL);
            CREATE INDEX ix_prediction_feature_blocks_model_seq ON prediction_feature_blocks (model, first_seq);
            CREATE TABLE feedback (
                model text NOT NULL, prediction_id text NOT NULL, label text NOT NULL, source text NOT NULL,
                actor text NOT NULL, time bigint NOT NULL, PRIMARY KEY (model, prediction_id));
            CREATE TABLE model_settings (
                model text NOT NULL, kind text NOT NULL, version integer NOT NULL, json text NOT NULL,
                actor text NOT NULL, time bigint NOT NULL, PRIMARY KEY (model, kind, version));
            CREATE TABLE usage_counts (
                bucket bigint NOT NULL, key_id text NOT NULL, model text NOT NULL, purpose text NOT NULL,
                requests bigint NOT NULL, errors bigint NOT NULL, violations bigint NOT NULL,
                PRIMARY KEY (bucket, key_id, model, purpose));
            CREATE INDEX ix_usage_counts_key ON usage_counts (key_id, bucket);
            CREATE TABLE fairness_audits (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, model text NOT NULL, version text NULL, time bigint NOT NULL,
                actor text NOT NULL, trigger text NOT NULL, rows integer NOT NULL, passed boolean NULL,
                failures text NOT NULL, report text NOT NULL);
            CREATE INDEX ix_fairness_audits_model ON fairness_audits (model, version, id);
            CREATE TABLE abuse_alerts (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, time bigint NOT NULL, model text NOT NULL, key_id text NOT NULL,
                kind text NOT NULL, statistic double precision NOT NULL, threshold double precision NOT NULL, query_count bigint NOT NULL,
                detail text NOT NULL, suspended boolean NOT NULL);
            CREATE INDEX ix_abuse_alerts_time ON abuse_alerts (time);
            CREATE TABLE reference_profiles (
                model text NOT NULL, version text NOT NULL, profile text NOT NULL, scores text NULL,
                actor text NOT NULL, time bigint NOT NULL, PRIMARY KEY (model, version));
            CREATE TABLE retrain_jobs (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, model text NOT NULL, base_version text NULL, trigger text NOT NULL,
                actor text NOT NULL, status text NOT NULL, progress double precision NOT NULL, phase text NOT NULL, created bigint NOT NULL,
                started bigint NULL, finished bigint NULL, result_version text NULL, error text NULL, training_data text NOT NULL,
                feedback_rows integer NOT NULL, feedback_weight double precision NULL);
            CREATE INDEX ix_retrain_jobs_model ON retrain_jobs (model, id);
            CREATE TABLE retrain_logs (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, job_id bigint NOT NULL, time bigint NOT NULL, message text NOT NULL);
            CREATE INDEX ix_retrain_logs_job ON retrain_logs (job_id, seq);
            """),
        (2, "feedback namespaced by the key that owns the prediction", """
            ALTER TABLE feedback ADD COLUMN owner_key text NOT NULL DEFAULT '';
            UPDATE feedback f SET owner_key = COALESCE(
                (SELECT p.key_id FROM predictions p WHERE p.model = f.model AND p.id = f.prediction_id ORDER BY p.seq LIMIT 1), '');
            ALTER TABLE feedback DROP CONSTRAINT feedback_pkey;
            ALTER TABLE feedback ADD PRIMARY KEY (model, owner_key, prediction_id);
            """),
        (3, "review queue and edge fleet in the shared database", """
            CREATE TABLE review_items (
                id text PRIMARY KEY, model text NOT NULL, version text NOT NULL, prediction_id text NOT NULL, requester text NOT NULL,
                mode text NOT NULL, status text NOT NULL, reasons text NOT NULL, inputs text NOT NULL, outputs text NOT NULL,
                score double precision NULL, explanation text NULL, assigned_to text NULL, claimed_by text NULL, claim_expires bigint NULL,
                created_at bigint NOT NULL, deadline bigint NOT NULL, label text NULL, decided_at bigint NULL,
                reviewers_required integer NOT NULL, max_reviewers integer NOT NULL, claim_minutes double precision NOT NULL, labels text NOT NULL,
                payload_key integer NULL, terms text NULL, answer text NULL, revision bigint NOT NULL DEFAULT 0);
            CREATE INDEX ix_review_items_status ON review_items (status, deadline);
            CREATE TABLE review_votes (
                item_id text NOT NULL, reviewer text NOT NULL, label text NOT NULL, note text NULL, time bigint NOT NULL,
                PRIMARY KEY (item_id, reviewer));
            CREATE TABLE edge_bundles (
                bundle_id text PRIMARY KEY, model text NOT NULL, version text NOT NULL, channel text NOT NULL,
                sha256 text NOT NULL, size_bytes bigint NOT NULL, signer text NOT NULL, encrypted integer NOT NULL,
                created_at bigint NOT NULL, expires_at bigint NOT NULL, uploaded_by text NOT NULL, uploaded_at bigint NOT NULL,
                revoked_at bigint NULL);
            CREATE TABLE edge_devices (
                device_id text PRIMARY KEY, channel text NOT NULL, key_id text NULL, registered_by text NOT NULL, last_seen bigint NOT NULL,
                public_key text NULL);
            CREATE TABLE edge_telemetry (
                device_id text NOT NULL, epoch text NOT NULL, seq bigint NOT NULL, time bigint NOT NULL, kind text NOT NULL, data text NULL,
                received_at bigint NOT NULL, PRIMARY KEY (device_id, epoch, seq));
            """),
        (4, "keys suspended by the abuse monitor are marked, so an admin can reinstate them", """
            ALTER TABLE api_keys ADD COLUMN suspended_at bigint NULL;
            UPDATE api_keys SET suspended_at = revoked_at
                WHERE revoked_at IS NOT NULL AND id IN (SELECT key_id FROM abuse_alerts WHERE suspended);
            """),
        (5, "refusal counts per hour, key, model, reason and status", """
            CREATE TABLE refusal_counts (
                bucket bigint NOT NULL, key_id text NOT NULL, model text NOT NULL, reason text NOT NULL, status integer NOT NULL,
                count bigint NOT NULL, PRIMARY KEY (bucket, key_id, model, reason, status));
            """),
        (6, "drift evaluations kept for drift over time", """
            CREATE TABLE drift_evaluations (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, model text NOT NULL, version text NOT NULL, time bigint NOT NULL,
                window_start bigint NULL, rows bigint NOT NULL, drift_share double precision NOT NULL, dataset_drift boolean NOT NULL,
                alerts integer NOT NULL, features text NOT NULL);
            CREATE INDEX ix_drift_evaluations_model ON drift_evaluations (model, id);
            """),
    ];

    /// <summary>The schema version this build needs.</summary>
    public static int Latest => All[^1].Version;

    /// <summary>The version the database is at (0 when no migration has run).</summary>
    public static async Task<int> CurrentVersionAsync(PostgresDatabase database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await CurrentVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies the migrations the database lacks and returns the versions applied.</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(PostgresDatabase database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var applied = new List<int>();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var createTransaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            // CREATE TABLE IF NOT EXISTS is not safe against itself: two replicas creating the table at once collide, so
            // the creation is serialised on an advisory lock of this schema.
            await using var create = new NpgsqlCommand(
                """
                SELECT pg_advisory_xact_lock(hashtextextended('warden_schema:' || current_schema(), 0));
                CREATE TABLE IF NOT EXISTS warden_schema (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
                """, connection, createTransaction);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await createTransaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var (version, description, sql) in All)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // Two replicas started with MigrateAtStart must not both apply a migration: the table lock makes the second
            // wait, then see the version recorded.
            await using (var lockSchema = new NpgsqlCommand("LOCK TABLE warden_schema IN EXCLUSIVE MODE", connection, transaction))
            {
                await lockSchema.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (await CurrentVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false) >= version)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            await using (var migrate = new NpgsqlCommand(sql, connection, transaction))
            {
                await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var record = new NpgsqlCommand("INSERT INTO warden_schema (version, description) VALUES (@v, @d)", connection, transaction))
            {
                record.Parameters.AddWithValue("v", version);
                record.Parameters.AddWithValue("d", description);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            applied.Add(version);
        }

        return applied;
    }

    private static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT CASE WHEN to_regclass('warden_schema') IS NULL THEN 0 ELSE (SELECT COALESCE(MAX(version), 0) FROM warden_schema) END", connection, transaction);
        try
        {
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }
}

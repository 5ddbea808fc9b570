using System.Data.Common;
using System.Globalization;
using System.Text;
using Warden.Core.Predictions;
using Warden.Core.Privacy;
using static Warden.Core.Storage.Sql.SqlValues;

namespace Warden.Core.Storage.Sql;

/// <summary>
/// <see cref="IPredictionStore"/> over ADO.NET, for SQLite and PostgreSQL alike. A batch and its monitoring blocks go in
/// with the dialect's bulk insert (binary <c>COPY</c> on PostgreSQL, one prepared insert on SQLite) in one transaction,
/// under numbers reserved in a single step so that a batch's sequence numbers are consecutive. Payloads go through the
/// <see cref="PayloadCipher"/>; large numeric tensors are stored compact and read back as V2 JSON
/// (<see cref="PredictionSerializer.ToV2"/>).
/// </summary>
public sealed class SqlPredictionStore(SqlDatabase database, PayloadCipher? cipher = null) : IPredictionStore
{
    /// <summary>Columns read back into a <see cref="StoredPrediction"/>, in <see cref="Read"/>'s order.</summary>
    internal const string Columns = "seq, id, time, model, version, key_id, purpose, inputs, outputs, sensitive, latency_ms, payload_key";

    private static readonly string[] ColumnList = Columns.Split(", ");

    private static readonly string[] BlockColumns = ["block_id", "model", "version", "first_seq", "last_seq", "max_time", "payload_key", "block", "sealed", "layout"];

    private readonly PayloadCipher _cipher = cipher ?? PayloadCipher.None;

    /// <summary>The associated-data context of a stored prediction column.</summary>
    public static string Context(string predictionId, string column) => "prediction:" + predictionId + ":" + column;

    /// <summary>Reads one row selected with <see cref="Columns"/>, decrypting its payloads.</summary>
    internal static StoredPrediction Read(DbDataReader reader, PayloadCipher cipher)
    {
        var id = reader.GetString(1);
        int? keyId = reader.IsDBNull(11) ? null : reader.GetInt32(11);
        return new StoredPrediction(
            reader.GetInt64(0), id, FromMs(reader.GetInt64(2)), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), ReadNullableString(reader, 6),
            PredictionSerializer.ToV2(cipher.Open(reader.GetString(7), keyId, Context(id, "inputs"))),
            PredictionSerializer.ToV2(cipher.Open(reader.GetString(8), keyId, Context(id, "outputs"))),
            cipher.OpenNullable(ReadNullableString(reader, 9), keyId, Context(id, "sensitive")),
            reader.GetDouble(10));
    }

    public async Task WriteBatchAsync(IReadOnlyList<StoredPrediction> batch, CancellationToken cancellationToken = default) =>
        await (await CommitBatchAsync(batch, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    public async Task<Task> CommitBatchAsync(IReadOnlyList<StoredPrediction> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return Task.CompletedTask;
        }

        return await database.CommitAsync((connection, transaction, ct) => WriteBatchAsync(batch, connection, transaction, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes <paramref name="batch"/> inside a transaction of the caller's, so that the predictions commit (or not) with
    /// the caller's own rows (edge telemetry and the predictions it carries).
    /// </summary>
    public async Task WriteBatchAsync(IReadOnlyList<StoredPrediction> batch, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        // Writers from every process take turns (readers are not blocked): sequence numbers then become visible in the
        // order they were taken, so a reader paging by "seq > last seen" (monitoring, exports) never skips a row committed
        // late, and a batch's numbers are consecutive.
        await LockTableForAppendAsync(database, connection, transaction, "predictions", cancellationToken).ConfigureAwait(false);
        var first = await database.Dialect.ReserveSequenceAsync(connection, transaction, "predictions", batch.Count, cancellationToken).ConfigureAwait(false);
        var written = batch.Select((p, i) => (first + i, p)).ToList();
        await database.Dialect.InsertRowsAsync(connection, transaction, "predictions", ColumnList, written.Select(w => PredictionRow(w.Item1, w.p)), cancellationToken)
            .ConfigureAwait(false);
        await database.Dialect.InsertRowsAsync(connection, transaction, "prediction_feature_blocks", BlockColumns, BlockRows(written), cancellationToken)
            .ConfigureAwait(false);
    }

    private object?[] PredictionRow(long seq, StoredPrediction p)
    {
        if (!_cipher.Enabled)
        {
            // In clear: no associated-data contexts to build.
            return [seq, p.Id, ToMs(p.Time), p.Model, p.Version, p.KeyId, p.Purpose, p.InputsJson, p.OutputsJson, p.SensitiveJson, p.LatencyMs, null];
        }

        var (sealedInputs, keyId) = _cipher.Seal(p.InputsJson, Context(p.Id, "inputs"));
        return
        [
            seq, p.Id, ToMs(p.Time), p.Model, p.Version, p.KeyId, p.Purpose, sealedInputs,
            _cipher.Seal(p.OutputsJson, Context(p.Id, "outputs")).Stored,
            _cipher.SealNullable(p.SensitiveJson, Context(p.Id, "sensitive")),
            p.LatencyMs, keyId,
        ];
    }

    /// <summary>
    /// The batch's monitoring copies: one <see cref="FeatureBlock"/> per model version and up to 512 predictions (fewer for
    /// wide rows). A sealed block is stored as text in <c>sealed</c> and an empty <c>block</c>.
    /// </summary>
    private IEnumerable<object?[]> BlockRows(List<(long Seq, StoredPrediction Prediction)> written)
    {
        foreach (var group in written.GroupBy(w => (w.Prediction.Model, w.Prediction.Version)))
        {
            foreach (var chunk in group.Chunk(FeatureBlock.RowsPerBlock(group.First().Prediction)))
            {
                var bytes = FeatureBlock.Encode(chunk);
                var blockId = $"{group.Key.Model}/{group.Key.Version}/{chunk[0].Seq.ToString(CultureInfo.InvariantCulture)}";
                var maxTime = chunk.Max(c => ToMs(c.Prediction.Time));
                if (_cipher.Enabled)
                {
                    var (sealedBlock, keyId) = _cipher.Seal(Convert.ToBase64String(bytes), Context(blockId, "block"));
                    yield return [blockId, group.Key.Model, group.Key.Version, chunk[0].Seq, chunk[^1].Seq, maxTime, keyId, Array.Empty<byte>(), sealedBlock, FeatureBlock.Columnar];
                }
                else
                {
                    yield return [blockId, group.Key.Model, group.Key.Version, chunk[0].Seq, chunk[^1].Seq, maxTime, null, bytes, null, FeatureBlock.Columnar];
                }
            }
        }
    }

    public async Task<(long Deleted, long Through)> PruneAsync(
        string model, DateTimeOffset? olderThan, long? maxRecords, long? maxBytes, int maxDeletes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDeletes, 1);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // The newest sequence number each limit condemns; everything of the model at or below the highest goes.
        long through = 0;
        if (olderThan is { } cutoff)
        {
            through = Math.Max(through, await ScalarAsync(connection, transaction,
                "SELECT MAX(seq) FROM predictions WHERE model = @model AND time < @cutoff", cancellationToken, ("model", model), ("cutoff", ToMs(cutoff))).ConfigureAwait(false));
        }

        if (maxRecords is { } records)
        {
            through = Math.Max(through, await ScalarAsync(connection, transaction,
                "SELECT seq FROM predictions WHERE model = @model ORDER BY seq DESC LIMIT 1 OFFSET @keep", cancellationToken, ("model", model), ("keep", records)).ConfigureAwait(false));
        }

        if (maxBytes is { } bytes)
        {
            // A running total from the newest row back: the first row whose total passes the budget, and all older, go.
            through = Math.Max(through, await ScalarAsync(connection, transaction,
                """
                SELECT MAX(seq) FROM (
                    SELECT seq, SUM(LENGTH(inputs) + LENGTH(outputs) + COALESCE(LENGTH(sensitive), 0)) OVER (ORDER BY seq DESC) AS total
                    FROM predictions WHERE model = @model) sized
                WHERE total > @bytes
                """, cancellationToken, ("model", model), ("bytes", bytes)).ConfigureAwait(false));
        }

        if (through == 0)
        {
            return (0, 0);
        }

        // Oldest first, a bounded number per call, so a first prune of a large log does not hold the database for long.
        through = Math.Min(through, await ScalarAsync(connection, transaction,
            "SELECT MAX(seq) FROM (SELECT seq FROM predictions WHERE model = @model AND seq <= @through ORDER BY seq LIMIT @limit) oldest",
            cancellationToken, ("model", model), ("through", through), ("limit", maxDeletes)).ConfigureAwait(false));
        await using var delete = Command(connection, transaction, "DELETE FROM predictions WHERE model = @model AND seq <= @through", ("model", model), ("through", through));
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using var blocks = Command(connection, transaction, "DELETE FROM prediction_feature_blocks WHERE model = @model AND last_seq <= @through", ("model", model), ("through", through));
        await blocks.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (deleted, deleted == 0 ? 0 : through);
    }

    private static async Task<long> ScalarAsync(
        DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is { } value and not DBNull ? ToInt64(value) : 0;
    }

    public async Task<IReadOnlyList<StoredPrediction>> QueryAsync(PredictionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var sql = new StringBuilder($"SELECT {Columns} FROM predictions WHERE seq > @after");
        var parameters = new List<(string, object?)> { ("after", query.After), ("limit", query.Limit) };
        if (query.Model is not null)
        {
            sql.Append(" AND model = @model");
            parameters.Add(("model", query.Model));
        }

        if (query.Since is not null)
        {
            sql.Append(" AND time >= @since");
            parameters.Add(("since", ToMs(query.Since.Value)));
        }

        sql.Append(" ORDER BY seq LIMIT @limit");
        await using var command = Command(connection, sql.ToString(), parameters.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<StoredPrediction>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(Read(reader, _cipher));
        }

        return result;
    }

    public async Task<(long First, long Last)?> SequenceRangeAsync(string model, DateTimeOffset? since, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT MIN(seq), MAX(seq) FROM predictions WHERE model = @model AND time >= @since",
            ("model", model), ("since", since is null ? long.MinValue : ToMs(since.Value)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.IsDBNull(0) ? (reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    public async Task<MonitoredWindow> QueryMonitoredAsync(MonitoredQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);

        // As in SQLite: columnar blocks for the window, and rows without a block (copied from an older SQLite database)
        // read from their JSON first.
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<MonitoredPrediction>();
        var blocks = new List<MonitoredBlock>();
        await using (var first = Command(connection, "SELECT MIN(first_seq) FROM prediction_feature_blocks WHERE model = @model", ("model", query.Model)))
        {
            var firstBlock = await first.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is { } value and not DBNull ? ToInt64(value) : long.MaxValue;
            if (query.After < firstBlock - 1)
            {
                await ReadJsonAsync(connection, query with { Through = Math.Min(query.Through, firstBlock - 1) }, rows, cancellationToken).ConfigureAwait(false);
            }

            if (query.Through < firstBlock)
            {
                return new MonitoredWindow(blocks, rows);
            }
        }

        long? sinceMs = query.Since is { } since ? ToMs(since) : null;
        var withoutValues = new List<long>();
        await using (var command = Command(connection,
            """
            SELECT block_id, payload_key, block, sealed, layout FROM prediction_feature_blocks
            WHERE model = @model AND version = @version AND first_seq <= @through AND last_seq > @after AND max_time >= @since
            ORDER BY first_seq
            """,
            ("model", query.Model), ("version", query.Version), ("after", query.After), ("through", query.Through), ("since", sinceMs ?? long.MinValue)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var block = reader.IsDBNull(3)
                    ? reader.GetFieldValue<byte[]>(2)
                    : Convert.FromBase64String(_cipher.Open(reader.GetString(3), reader.GetInt32(1), Context(reader.GetString(0), "block")));
                if (reader.GetInt32(4) == FeatureBlock.Columnar)
                {
                    if (FeatureBlock.DecodeColumnar(block, query, sinceMs, withoutValues) is { } decoded)
                    {
                        blocks.Add(decoded);
                    }
                }
                else
                {
                    FeatureBlock.DecodeRows(block, query, sinceMs, rows, withoutValues);
                }
            }
        }

        if (withoutValues.Count > 0)
        {
            // Rare: tensors the value columns cannot hold. Their JSON is read one by one and merged in log order.
            foreach (var seq in withoutValues)
            {
                await ReadJsonAsync(connection, query with { After = seq - 1, Through = seq }, rows, cancellationToken).ConfigureAwait(false);
            }

            rows.Sort((x, y) => x.Sequence.CompareTo(y.Sequence));
        }

        return new MonitoredWindow(blocks, rows);
    }

    /// <summary>Reads predictions of the query's window from their JSON payloads.</summary>
    private async Task ReadJsonAsync(DbConnection connection, MonitoredQuery query, List<MonitoredPrediction> result, CancellationToken cancellationToken)
    {
        await using var command = Command(connection,
            """
            SELECT seq, id, payload_key, inputs, outputs FROM predictions
            WHERE model = @model AND version = @version AND seq > @after AND seq <= @through AND (purpose IS NULL OR purpose <> @shadow) AND time >= @since
            ORDER BY seq
            """,
            ("model", query.Model), ("version", query.Version), ("after", query.After), ("through", query.Through),
            ("shadow", Warden.Core.Monitoring.RolloutSettings.ShadowPurpose), ("since", query.Since is { } since ? ToMs(since) : long.MinValue));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetString(1);
            int? keyId = reader.IsDBNull(2) ? null : reader.GetInt32(2);
            result.Add(new MonitoredPrediction(reader.GetInt64(0), id, null,
                PredictionSerializer.ToV2(_cipher.Open(reader.GetString(3), keyId, Context(id, "inputs"))),
                PredictionSerializer.ToV2(_cipher.Open(reader.GetString(4), keyId, Context(id, "outputs")))));
        }
    }

    public async Task<long> CountAsync(string? model = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT COUNT(*) FROM predictions WHERE CAST(@model AS TEXT) IS NULL OR model = @model", ("model", Nullable(model)));
        return ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
    }
}

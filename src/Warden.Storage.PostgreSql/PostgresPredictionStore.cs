using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Warden.Core.Predictions;
using Warden.Core.Privacy;
using Warden.Core.Storage;
using Warden.Core.Storage.Sqlite;
using static Warden.Storage.PostgreSql.PostgresValues;

namespace Warden.Storage.PostgreSql;

/// <summary>
/// PostgreSQL implementation of <see cref="IPredictionStore"/>. A batch goes in with binary <c>COPY</c> (rows and their
/// monitoring blocks) in one transaction; payloads go through the <see cref="PayloadCipher"/> as in SQLite.
/// </summary>
public sealed class PostgresPredictionStore(PostgresDatabase database, PayloadCipher? cipher = null) : IPredictionStore
{
    /// <summary>Columns read back into a <see cref="StoredPrediction"/>, in <see cref="Read"/>'s order.</summary>
    internal const string Columns = "seq, id, time, model, version, key_id, purpose, inputs, outputs, sensitive, latency_ms, payload_key";

    private readonly PayloadCipher _cipher = cipher ?? PayloadCipher.None;

    /// <summary>Reads one row selected with <see cref="Columns"/>, decrypting its payloads (same contexts as SQLite, so copied rows still open).</summary>
    internal static StoredPrediction Read(NpgsqlDataReader reader, PayloadCipher cipher)
    {
        var id = reader.GetString(1);
        int? keyId = reader.IsDBNull(11) ? null : reader.GetInt32(11);
        return new StoredPrediction(
            reader.GetInt64(0), id, FromMs(reader.GetInt64(2)), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), ReadNullableString(reader, 6),
            cipher.Open(reader.GetString(7), keyId, SqlitePredictionStore.Context(id, "inputs")),
            cipher.Open(reader.GetString(8), keyId, SqlitePredictionStore.Context(id, "outputs")),
            cipher.OpenNullable(ReadNullableString(reader, 9), keyId, SqlitePredictionStore.Context(id, "sensitive")),
            reader.GetDouble(10));
    }

    public async Task WriteBatchAsync(IReadOnlyList<StoredPrediction> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Replicas write in turn (readers are not blocked): sequence numbers then become visible in the order they were
        // taken, so a reader paging by "seq > last seen" (monitoring, exports) never skips a row committed late, and a
        // batch's numbers are consecutive like in SQLite.
        await using (var lockLog = Command(connection, transaction, "LOCK TABLE predictions IN SHARE ROW EXCLUSIVE MODE"))
        {
            await lockLog.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long first;
        await using (var reserve = Command(connection, transaction, "SELECT setval('predictions_seq', nextval('predictions_seq') + @n - 1) - @n + 1", ("n", (long)batch.Count)))
        {
            first = (long)(await reserve.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var written = batch.Select((p, i) => (first + i, p)).ToList();
        await using (var copy = await connection.BeginBinaryImportAsync(
            $"COPY predictions ({Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            foreach (var (seq, p) in written)
            {
                var (sealedInputs, keyId) = _cipher.Seal(p.InputsJson, SqlitePredictionStore.Context(p.Id, "inputs"));
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(seq, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(p.Id, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(ToMs(p.Time), NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(p.Model, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(p.Version, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(p.KeyId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(copy, p.Purpose, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(sealedInputs, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(_cipher.Seal(p.OutputsJson, SqlitePredictionStore.Context(p.Id, "outputs")).Stored, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(copy, _cipher.SealNullable(p.SensitiveJson, SqlitePredictionStore.Context(p.Id, "sensitive")), cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(p.LatencyMs, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(copy, keyId, cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await WriteBlocksAsync(connection, written, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the batch's monitoring copies: one <see cref="FeatureBlock"/> per model version and up to 512 predictions.</summary>
    private async Task WriteBlocksAsync(NpgsqlConnection connection, List<(long Seq, StoredPrediction Prediction)> written, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY prediction_feature_blocks (block_id, model, version, first_seq, last_seq, max_time, payload_key, block, sealed, layout) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        foreach (var group in written.GroupBy(w => (w.Prediction.Model, w.Prediction.Version)))
        {
            foreach (var chunk in group.Chunk(FeatureBlock.RowsPerBlock(group.First().Prediction)))
            {
                var bytes = FeatureBlock.Encode(chunk);
                var blockId = $"{group.Key.Model}/{group.Key.Version}/{chunk[0].Seq.ToString(CultureInfo.InvariantCulture)}";
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(blockId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(group.Key.Model, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(group.Key.Version, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(chunk[0].Seq, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(chunk[^1].Seq, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(chunk.Max(c => ToMs(c.Prediction.Time)), NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                if (_cipher.Enabled)
                {
                    var (sealedBlock, keyId) = _cipher.Seal(Convert.ToBase64String(bytes), SqlitePredictionStore.Context(blockId, "block"));
                    await WriteNullableAsync(copy, keyId, cancellationToken).ConfigureAwait(false);
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(sealedBlock, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(bytes, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await copy.WriteAsync(FeatureBlock.Columnar, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            }
        }

        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredPrediction>> QueryAsync(PredictionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
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
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
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
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<MonitoredPrediction>();
        var blocks = new List<MonitoredBlock>();
        await using (var first = Command(connection, "SELECT MIN(first_seq) FROM prediction_feature_blocks WHERE model = @model", ("model", query.Model)))
        {
            var firstBlock = await first.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long seq ? seq : long.MaxValue;
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
                    : Convert.FromBase64String(_cipher.Open(reader.GetString(3), reader.GetInt32(1), SqlitePredictionStore.Context(reader.GetString(0), "block")));
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
    private async Task ReadJsonAsync(NpgsqlConnection connection, MonitoredQuery query, List<MonitoredPrediction> result, CancellationToken cancellationToken)
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
                _cipher.Open(reader.GetString(3), keyId, SqlitePredictionStore.Context(id, "inputs")),
                _cipher.Open(reader.GetString(4), keyId, SqlitePredictionStore.Context(id, "outputs"))));
        }
    }

    public async Task<long> CountAsync(string? model = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT COUNT(*) FROM predictions WHERE @model::text IS NULL OR model = @model", ("model", Nullable(model)));
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter copy, int? value, CancellationToken cancellationToken)
    {
        if (value is { } v)
        {
            await copy.WriteAsync(v, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

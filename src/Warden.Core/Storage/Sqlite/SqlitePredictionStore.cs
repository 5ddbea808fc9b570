using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Warden.Core.Predictions;
using Warden.Core.Privacy;
using static Warden.Core.Storage.Sqlite.SqliteValues;

namespace Warden.Core.Storage.Sqlite;

/// <summary>
/// SQLite implementation of <see cref="IPredictionStore"/>. Inputs, outputs and sensitive attributes go through the
/// <see cref="PayloadCipher"/> (encrypted at rest when keys are configured; the key id is kept in <c>payload_key</c>)
/// and are decrypted transparently on read.
/// </summary>
public sealed class SqlitePredictionStore(SqliteDatabase database, PayloadCipher? cipher = null) : IPredictionStore
{
    /// <summary>Columns read back into a <see cref="StoredPrediction"/>, in <see cref="Read"/>'s order.</summary>
    internal const string Columns = "seq, id, time, model, version, key_id, purpose, inputs, outputs, sensitive, latency_ms, payload_key";

    private readonly PayloadCipher _cipher = cipher ?? PayloadCipher.None;

    /// <summary>The associated-data context of a stored prediction column.</summary>
    public static string Context(string predictionId, string column) => "prediction:" + predictionId + ":" + column;

    /// <summary>Reads one row selected with <see cref="Columns"/> starting at <paramref name="offset"/>, decrypting its payloads.</summary>
    internal static StoredPrediction Read(SqliteDataReader reader, PayloadCipher cipher, int offset = 0)
    {
        var id = reader.GetString(offset + 1);
        int? keyId = reader.IsDBNull(offset + 11) ? null : reader.GetInt32(offset + 11);
        return new StoredPrediction(
            reader.GetInt64(offset), id, FromMs(reader.GetInt64(offset + 2)), reader.GetString(offset + 3), reader.GetString(offset + 4),
            reader.GetString(offset + 5), ReadNullableString(reader, offset + 6),
            cipher.Open(reader.GetString(offset + 7), keyId, Context(id, "inputs")),
            cipher.Open(reader.GetString(offset + 8), keyId, Context(id, "outputs")),
            cipher.OpenNullable(ReadNullableString(reader, offset + 9), keyId, Context(id, "sensitive")),
            reader.GetDouble(offset + 10));
    }

    public async Task WriteBatchAsync(IReadOnlyList<StoredPrediction> batch, CancellationToken cancellationToken = default)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            """
            INSERT INTO predictions (id, time, model, version, key_id, purpose, inputs, outputs, sensitive, latency_ms, payload_key)
            VALUES ($id, $time, $model, $version, $key, $purpose, $inputs, $outputs, $sensitive, $latency, $payloadKey)
            """;
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var time = command.Parameters.Add("$time", SqliteType.Integer);
        var model = command.Parameters.Add("$model", SqliteType.Text);
        var version = command.Parameters.Add("$version", SqliteType.Text);
        var key = command.Parameters.Add("$key", SqliteType.Text);
        var purpose = command.Parameters.Add("$purpose", SqliteType.Text);
        var inputs = command.Parameters.Add("$inputs", SqliteType.Text);
        var outputs = command.Parameters.Add("$outputs", SqliteType.Text);
        var sensitive = command.Parameters.Add("$sensitive", SqliteType.Text);
        var latency = command.Parameters.Add("$latency", SqliteType.Real);
        var payloadKey = command.Parameters.Add("$payloadKey", SqliteType.Integer);
        foreach (var p in batch)
        {
            id.Value = p.Id;
            time.Value = ToMs(p.Time);
            model.Value = p.Model;
            version.Value = p.Version;
            key.Value = p.KeyId;
            purpose.Value = Nullable(p.Purpose);
            var (sealedInputs, keyId) = _cipher.Seal(p.InputsJson, Context(p.Id, "inputs"));
            inputs.Value = sealedInputs;
            outputs.Value = _cipher.Seal(p.OutputsJson, Context(p.Id, "outputs")).Stored;
            sensitive.Value = Nullable(_cipher.SealNullable(p.SensitiveJson, Context(p.Id, "sensitive")));
            payloadKey.Value = keyId is { } k ? k : DBNull.Value;
            latency.Value = p.LatencyMs;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // The transaction holds the database's only write lock, and an AUTOINCREMENT key takes max + 1 for each insert, so
        // the batch's sequence numbers are the consecutive run ending at the last one inserted.
        await using var lastSeq = connection.CreateCommand();
        lastSeq.Transaction = transaction;
        lastSeq.CommandText = "SELECT last_insert_rowid()";
        var last = (long)(await lastSeq.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        lastSeq.CommandText = "SELECT id FROM predictions WHERE seq = $first";
        lastSeq.Parameters.AddWithValue("$first", last - batch.Count + 1);
        if (await lastSeq.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string != batch[0].Id)
        {
            // Not expected with one writer; refusing keeps a block from naming the wrong predictions (the writer retries).
            throw new InvalidOperationException("the prediction batch did not receive consecutive sequence numbers");
        }

        var written = batch.Select((p, i) => (last - batch.Count + 1 + i, p)).ToList();
        await WriteBlocksAsync(connection, transaction, written, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the batch's monitoring copies: one <see cref="FeatureBlock"/> row per model version and up to 512 predictions (fewer for wide rows).</summary>
    private async Task WriteBlocksAsync(SqliteConnection connection, SqliteTransaction transaction, List<(long Seq, StoredPrediction Prediction)> written, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            """
            INSERT INTO prediction_feature_blocks (block_id, model, version, first_seq, last_seq, max_time, payload_key, block, layout)
            VALUES ($blockId, $model, $version, $first, $last, $maxTime, $payloadKey, $block, $layout)
            """;
        var blockId = command.Parameters.Add("$blockId", SqliteType.Text);
        var model = command.Parameters.Add("$model", SqliteType.Text);
        var version = command.Parameters.Add("$version", SqliteType.Text);
        var first = command.Parameters.Add("$first", SqliteType.Integer);
        var last = command.Parameters.Add("$last", SqliteType.Integer);
        var maxTime = command.Parameters.Add("$maxTime", SqliteType.Integer);
        var payloadKey = command.Parameters.Add("$payloadKey", SqliteType.Integer);
        var block = command.Parameters.Add("$block", SqliteType.Blob);
        command.Parameters.AddWithValue("$layout", FeatureBlock.Columnar);
        foreach (var group in written.GroupBy(w => (w.Prediction.Model, w.Prediction.Version)))
        {
            foreach (var chunk in group.Chunk(FeatureBlock.RowsPerBlock(group.First().Prediction)))
            {
                var bytes = FeatureBlock.Encode(chunk);
                var idText = $"{group.Key.Model}/{group.Key.Version}/{chunk[0].Seq.ToString(CultureInfo.InvariantCulture)}";
                blockId.Value = idText;
                model.Value = group.Key.Model;
                version.Value = group.Key.Version;
                first.Value = chunk[0].Seq;
                last.Value = chunk[^1].Seq;
                maxTime.Value = chunk.Max(c => ToMs(c.Prediction.Time));
                if (_cipher.Enabled)
                {
                    var (sealedBlock, keyId) = _cipher.Seal(Convert.ToBase64String(bytes), Context(idText, "block"));
                    block.Value = sealedBlock;
                    payloadKey.Value = keyId is { } k ? k : DBNull.Value;
                }
                else
                {
                    block.Value = bytes;
                    payloadKey.Value = DBNull.Value;
                }

                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<IReadOnlyList<StoredPrediction>> QueryAsync(PredictionQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var sql = new StringBuilder($"SELECT {Columns} FROM predictions WHERE seq > $after");
        var parameters = new List<(string, object?)> { ("$after", query.After), ("$limit", query.Limit) };
        if (query.Model is not null)
        {
            sql.Append(" AND model = $model");
            parameters.Add(("$model", query.Model));
        }

        if (query.Since is not null)
        {
            sql.Append(" AND time >= $since");
            parameters.Add(("$since", ToMs(query.Since.Value)));
        }

        sql.Append(" ORDER BY seq LIMIT $limit");
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
        await using var command = since is null
            ? Command(connection, "SELECT MIN(seq), MAX(seq) FROM predictions WHERE model = $model", ("$model", model))
            : Command(connection, "SELECT MIN(seq), MAX(seq) FROM predictions WHERE model = $model AND time >= $since", ("$model", model), ("$since", ToMs(since.Value)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.IsDBNull(0) ? (reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    public async Task<MonitoredWindow> QueryMonitoredAsync(MonitoredQuery query, CancellationToken cancellationToken = default)
    {
        // Monitoring reads columnar blocks of feature values (one row per up to 512 predictions), so a million-row window is
        // a few thousand row fetches and never pages through the payloads. Predictions logged before blocks existed come
        // first in the log and are read from their JSON.
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<MonitoredPrediction>();
        var blocks = new List<MonitoredBlock>();
        await using (var first = Command(connection, "SELECT MIN(first_seq) FROM prediction_feature_blocks WHERE model = $model", ("$model", query.Model)))
        {
            var firstBlock = await first.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long seq ? seq : long.MaxValue;
            if (query.After < firstBlock - 1)
            {
                await ReadLegacyAsync(connection, query with { Through = Math.Min(query.Through, firstBlock - 1) }, rows, cancellationToken).ConfigureAwait(false);
            }

            if (query.Through < firstBlock)
            {
                return new MonitoredWindow(blocks, rows);
            }
        }

        var sql = new StringBuilder(
            "SELECT block_id, payload_key, block, layout FROM prediction_feature_blocks " +
            "WHERE model = $model AND version = $version AND first_seq <= $through AND last_seq > $after");
        var parameters = new List<(string, object?)> { ("$model", query.Model), ("$version", query.Version), ("$after", query.After), ("$through", query.Through) };
        long? sinceMs = query.Since is { } since ? ToMs(since) : null;
        if (sinceMs is not null)
        {
            sql.Append(" AND max_time >= $since");
            parameters.Add(("$since", sinceMs.Value));
        }

        sql.Append(" ORDER BY first_seq");
        var withoutValues = new List<long>();
        await using (var command = Command(connection, sql.ToString(), parameters.ToArray()))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var block = reader.IsDBNull(1)
                    ? reader.GetFieldValue<byte[]>(2)
                    : Convert.FromBase64String(_cipher.Open(reader.GetString(2), reader.GetInt32(1), Context(reader.GetString(0), "block")));
                if (reader.GetInt32(3) == FeatureBlock.Columnar)
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
                await ReadLegacyAsync(connection, query with { After = seq - 1, Through = seq }, rows, cancellationToken).ConfigureAwait(false);
            }

            rows.Sort((x, y) => x.Sequence.CompareTo(y.Sequence));
        }

        return new MonitoredWindow(blocks, rows);
    }

    /// <summary>Reads predictions of the query's window from their JSON payloads.</summary>
    private async Task ReadLegacyAsync(SqliteConnection connection, MonitoredQuery query, List<MonitoredPrediction> result, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(
            "SELECT seq, id, payload_key, inputs, outputs FROM predictions " +
            "WHERE model = $model AND version = $version AND seq > $after AND seq <= $through AND (purpose IS NULL OR purpose <> $shadow)");
        var parameters = new List<(string, object?)>
        {
            ("$model", query.Model), ("$version", query.Version), ("$after", query.After), ("$through", query.Through),
            ("$shadow", Monitoring.RolloutSettings.ShadowPurpose),
        };
        if (query.Since is not null)
        {
            sql.Append(" AND time >= $since");
            parameters.Add(("$since", ToMs(query.Since.Value)));
        }

        sql.Append(" ORDER BY seq");
        await using var command = Command(connection, sql.ToString(), parameters.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (reader.Read())
        {
            var id = reader.GetString(1);
            int? keyId = reader.IsDBNull(2) ? null : reader.GetInt32(2);
            result.Add(new MonitoredPrediction(reader.GetInt64(0), id, null,
                _cipher.Open(reader.GetString(3), keyId, Context(id, "inputs")),
                _cipher.Open(reader.GetString(4), keyId, Context(id, "outputs"))));
        }
    }

    public async Task<long> CountAsync(string? model = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = model is null
            ? Command(connection, "SELECT COUNT(*) FROM predictions")
            : Command(connection, "SELECT COUNT(*) FROM predictions WHERE model = $model", ("$model", model));
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}

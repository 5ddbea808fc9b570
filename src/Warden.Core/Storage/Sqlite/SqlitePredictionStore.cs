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
            VALUES ($id, $time, $model, $version, $key, $purpose, $inputs, $outputs, $sensitive, $latency, $payloadKey);
            INSERT INTO prediction_features (seq, id, model, version, time, purpose, payload_key, features)
            VALUES (last_insert_rowid(), $id, $model, $version, $time, $purpose, $payloadKey, $features)
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
        var features = command.Parameters.Add("$features", SqliteType.Blob);
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
            features.Value = p.Features is null ? DBNull.Value
                : _cipher.Enabled ? _cipher.Seal(Convert.ToBase64String(p.Features), Context(p.Id, "features")).Stored
                : p.Features;
            latency.Value = p.LatencyMs;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
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

    public async Task<IReadOnlyList<MonitoredPrediction>> QueryMonitoredAsync(MonitoredQuery query, CancellationToken cancellationToken = default)
    {
        // Monitoring reads the narrow prediction_features table (a few hundred bytes a row) so a million-row window does not
        // page through the payloads. Rows logged before that table existed have no entry there: they come first in the
        // log, and are read from their JSON payloads.
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<MonitoredPrediction>();
        await using (var first = Command(connection, "SELECT MIN(seq) FROM prediction_features WHERE model = $model", ("$model", query.Model)))
        {
            var firstVector = await first.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long seq ? seq : long.MaxValue;
            if (query.After < firstVector - 1)
            {
                await ReadMonitoredAsync(connection, "SELECT seq, id, payload_key, NULL, inputs, outputs FROM predictions", "",
                    query with { Through = Math.Min(query.Through, firstVector - 1) }, result, cancellationToken).ConfigureAwait(false);
            }

            if (query.Through < firstVector)
            {
                return result;
            }

            query = query with { After = Math.Max(query.After, firstVector - 1) };
        }

        await ReadMonitoredAsync(connection,
            "SELECT f.seq, f.id, f.payload_key, f.features, " +
            "CASE WHEN f.features IS NULL THEN (SELECT inputs FROM predictions p WHERE p.seq = f.seq) END, " +
            "CASE WHEN f.features IS NULL THEN (SELECT outputs FROM predictions p WHERE p.seq = f.seq) END FROM prediction_features f",
            "f.", query, result, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task ReadMonitoredAsync(
        SqliteConnection connection, string select, string prefix, MonitoredQuery query, List<MonitoredPrediction> result, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(select).Append(CultureInfo.InvariantCulture,
            $" WHERE {prefix}model = $model AND {prefix}version = $version AND {prefix}seq > $after AND {prefix}seq <= $through" +
            $" AND ({prefix}purpose IS NULL OR {prefix}purpose <> $shadow)");
        var parameters = new List<(string, object?)>
        {
            ("$model", query.Model), ("$version", query.Version), ("$after", query.After), ("$through", query.Through),
            ("$shadow", Monitoring.RolloutSettings.ShadowPurpose),
        };
        if (query.Since is not null)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {prefix}time >= $since");
            parameters.Add(("$since", ToMs(query.Since.Value)));
        }

        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY {prefix}seq");
        await using var command = Command(connection, sql.ToString(), parameters.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        // Rows are read synchronously: Microsoft.Data.Sqlite's ReadAsync does the same work, plus a task per row.
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            int? keyId = reader.IsDBNull(2) ? null : reader.GetInt32(2);
            var id = query.IncludeIds || keyId is not null ? reader.GetString(1) : null;
            if (!reader.IsDBNull(3))
            {
                result.Add(new MonitoredPrediction(reader.GetInt64(0), id, ReadVector(reader, keyId, id!), null, null));
                continue;
            }

            id ??= reader.GetString(1);
            result.Add(new MonitoredPrediction(reader.GetInt64(0), id, null,
                _cipher.OpenNullable(ReadNullableString(reader, 4), keyId, Context(id, "inputs")),
                _cipher.OpenNullable(ReadNullableString(reader, 5), keyId, Context(id, "outputs"))));
        }
    }

    /// <summary>The stored vector: a plaintext BLOB, or base64 sealed with the payload key.</summary>
    private ReadOnlyMemory<byte> ReadVector(SqliteDataReader reader, int? keyId, string id) => keyId is null
        ? reader.GetFieldValue<byte[]>(3)
        : Convert.FromBase64String(_cipher.Open(reader.GetString(3), keyId, Context(id, "features")));

    public async Task<long> CountAsync(string? model = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = model is null
            ? Command(connection, "SELECT COUNT(*) FROM predictions")
            : Command(connection, "SELECT COUNT(*) FROM predictions WHERE model = $model", ("$model", model));
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}

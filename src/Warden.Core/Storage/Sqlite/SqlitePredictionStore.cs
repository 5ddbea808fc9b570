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

    public async Task<long> CountAsync(string? model = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = model is null
            ? Command(connection, "SELECT COUNT(*) FROM predictions")
            : Command(connection, "SELECT COUNT(*) FROM predictions WHERE model = $model", ("$model", model));
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}

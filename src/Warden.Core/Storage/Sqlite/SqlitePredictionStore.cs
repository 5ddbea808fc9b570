using System.Text;
using Microsoft.Data.Sqlite;
using Warden.Core.Predictions;
using static Warden.Core.Storage.Sqlite.SqliteValues;

namespace Warden.Core.Storage.Sqlite;

/// <summary>SQLite implementation of <see cref="IPredictionStore"/>.</summary>
public sealed class SqlitePredictionStore(SqliteDatabase database) : IPredictionStore
{
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
            INSERT INTO predictions (id, time, model, version, key_id, purpose, inputs, outputs, sensitive, latency_ms)
            VALUES ($id, $time, $model, $version, $key, $purpose, $inputs, $outputs, $sensitive, $latency)
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
        foreach (var p in batch)
        {
            id.Value = p.Id;
            time.Value = ToMs(p.Time);
            model.Value = p.Model;
            version.Value = p.Version;
            key.Value = p.KeyId;
            purpose.Value = Nullable(p.Purpose);
            inputs.Value = p.InputsJson;
            outputs.Value = p.OutputsJson;
            sensitive.Value = Nullable(p.SensitiveJson);
            latency.Value = p.LatencyMs;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredPrediction>> QueryAsync(PredictionQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var sql = new StringBuilder("SELECT seq, id, time, model, version, key_id, purpose, inputs, outputs, sensitive, latency_ms FROM predictions WHERE seq > $after");
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
            result.Add(new StoredPrediction(
                reader.GetInt64(0), reader.GetString(1), FromMs(reader.GetInt64(2)), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), ReadNullableString(reader, 6), reader.GetString(7), reader.GetString(8), ReadNullableString(reader, 9), reader.GetDouble(10)));
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

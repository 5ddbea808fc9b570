using System.Text.Json;
using Warden.Core.Drift;
using static Warden.Core.Storage.Sql.SqlValues;

namespace Warden.Core.Storage.Sql;

/// <summary><see cref="IDriftHistoryStore"/> over ADO.NET, for SQLite and PostgreSQL alike.</summary>
public sealed class SqlDriftHistoryStore(SqlDatabase database) : IDriftHistoryStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<DriftEvaluation> AppendAsync(DriftEvaluation evaluation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            """
            INSERT INTO drift_evaluations (model, version, time, window_start, rows, drift_share, dataset_drift, alerts, features)
            VALUES (@model, @version, @time, @start, @rows, @share, @drift, @alerts, @features) RETURNING id
            """,
            ("model", evaluation.Model), ("version", evaluation.Version), ("time", ToMs(evaluation.Time)), ("start", Nullable(evaluation.WindowStart)),
            ("rows", evaluation.Rows), ("share", evaluation.DriftShare), ("drift", evaluation.DatasetDrift), ("alerts", evaluation.Alerts),
            ("features", JsonSerializer.Serialize(evaluation.Features, Json)));
        var id = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        return evaluation with { Id = id };
    }

    public async Task<IReadOnlyList<DriftEvaluation>> QueryAsync(string model, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            """
            SELECT id, model, version, time, window_start, rows, drift_share, dataset_drift, alerts, features FROM drift_evaluations
            WHERE model = @model AND time >= @since ORDER BY id DESC LIMIT @limit
            """,
            ("model", model), ("since", since is null ? long.MinValue : ToMs(since.Value)), ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<DriftEvaluation>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new DriftEvaluation
            {
                Id = reader.GetInt64(0),
                Model = reader.GetString(1),
                Version = reader.GetString(2),
                Time = FromMs(reader.GetInt64(3)),
                WindowStart = ReadNullableTime(reader, 4),
                Rows = Convert.ToInt64(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture),
                DriftShare = reader.GetDouble(6),
                DatasetDrift = reader.GetBoolean(7),
                Alerts = Convert.ToInt32(reader.GetValue(8), System.Globalization.CultureInfo.InvariantCulture),
                Features = JsonSerializer.Deserialize<List<DriftFeatureScore>>(reader.GetString(9), Json) ?? [],
            });
        }

        result.Reverse();
        return result;
    }
}

using Warden.Core.Abuse;
using static Warden.Core.Storage.Sql.SqlValues;

namespace Warden.Core.Storage.Sql;

/// <summary><see cref="IAbuseAlertStore"/> over ADO.NET, for SQLite and PostgreSQL alike.</summary>
public sealed class SqlAbuseAlertStore(SqlDatabase database) : IAbuseAlertStore
{
    public async Task AppendAsync(ModelAbuseAlert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var a = alert.Alert;
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            """
            INSERT INTO abuse_alerts (time, model, key_id, kind, statistic, threshold, query_count, detail, suspended)
            VALUES (@time, @model, @key, @kind, @statistic, @threshold, @count, @detail, @suspended)
            """,
            ("time", ToMs(a.DetectedAt)), ("model", alert.Model), ("key", a.KeyId), ("kind", a.Kind.ToString()),
            ("statistic", a.Statistic), ("threshold", a.Threshold), ("count", a.QueryCount), ("detail", a.Detail), ("suspended", alert.Suspended));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ModelAbuseAlert>> QueryAsync(DateTimeOffset? since, string? model, string? keyId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            """
            SELECT time, model, key_id, kind, statistic, threshold, query_count, detail, suspended FROM abuse_alerts
            WHERE time >= @since AND (CAST(@model AS TEXT) IS NULL OR model = @model) AND (CAST(@key AS TEXT) IS NULL OR key_id = @key)
            ORDER BY id DESC LIMIT @limit
            """,
            ("since", since is null ? long.MinValue : ToMs(since.Value)), ("model", Nullable(model)), ("key", Nullable(keyId)), ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<ModelAbuseAlert>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var kind = Enum.TryParse<AbuseAlertKind>(reader.GetString(3), out var k) ? k : AbuseAlertKind.Extraction;
            var alert = new AbuseAlert(reader.GetString(2), kind, reader.GetDouble(4), reader.GetDouble(5), reader.GetInt64(6), FromMs(reader.GetInt64(0)), reader.GetString(7));
            result.Add(new ModelAbuseAlert(reader.GetString(1), alert, reader.GetBoolean(8)));
        }

        return result;
    }
}

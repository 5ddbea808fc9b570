using Microsoft.Data.Sqlite;
using Warden.Core.Settings;
using static Warden.Core.Storage.Sqlite.SqliteValues;

namespace Warden.Core.Storage.Sqlite;

/// <summary>SQLite implementation of <see cref="ISettingsStore"/>.</summary>
public sealed class SqliteSettingsStore(SqliteDatabase database) : ISettingsStore
{
    public async Task<SettingsVersion> AppendAsync(string model, string kind, string json, string actor, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var next = Command(connection, "SELECT COALESCE(MAX(version), 0) + 1 FROM model_settings WHERE model = $model AND kind = $kind",
            ("$model", model), ("$kind", kind));
        next.Transaction = transaction;
        var version = Convert.ToInt32(await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        await using var insert = Command(connection,
            "INSERT INTO model_settings (model, kind, version, json, actor, time) VALUES ($model, $kind, $version, $json, $actor, $time)",
            ("$model", model), ("$kind", kind), ("$version", version), ("$json", json), ("$actor", actor), ("$time", ToMs(time)));
        insert.Transaction = transaction;
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new SettingsVersion(model, kind, version, json, actor, time);
    }

    public async Task<IReadOnlyList<SettingsVersion>> ListLatestAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            """
            SELECT s.model, s.kind, s.version, s.json, s.actor, s.time FROM model_settings s
            JOIN (SELECT model, kind, MAX(version) AS version FROM model_settings GROUP BY model, kind) m
              ON m.model = s.model AND m.kind = s.kind AND m.version = s.version
            """);
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SettingsVersion>> ListVersionsAsync(string model, string kind, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "SELECT model, kind, version, json, actor, time FROM model_settings WHERE model = $model AND kind = $kind ORDER BY version",
            ("$model", model), ("$kind", kind));
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<SettingsVersion>> ReadAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<SettingsVersion>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new SettingsVersion(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4), FromMs(reader.GetInt64(5))));
        }

        return result;
    }
}

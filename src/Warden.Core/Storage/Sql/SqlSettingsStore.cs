using System.Data.Common;
using Warden.Core.Settings;
using static Warden.Core.Storage.Sql.SqlValues;

namespace Warden.Core.Storage.Sql;

/// <summary><see cref="ISettingsStore"/> over ADO.NET, for SQLite and PostgreSQL alike.</summary>
public sealed class SqlSettingsStore(SqlDatabase database) : ISettingsStore
{
    public async Task<SettingsVersion> AppendAsync(string model, string kind, string json, string actor, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Two replicas saving the same document kind at once must get versions n and n+1, not both n: a transaction-scoped
        // lock on (model, kind) orders them.
        await LockNameAsync(database, connection, transaction, "settings:" + model + ":" + kind, cancellationToken).ConfigureAwait(false);

        await using var insert = Command(connection, transaction,
            """
            INSERT INTO model_settings (model, kind, version, json, actor, time)
            SELECT @model, @kind, COALESCE(MAX(version), 0) + 1, @json, @actor, @time FROM model_settings WHERE model = @model AND kind = @kind
            RETURNING version
            """,
            ("model", model), ("kind", kind), ("json", json), ("actor", actor), ("time", ToMs(time)));
        var version = (int)ToInt64(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new SettingsVersion(model, kind, version, json, actor, time);
    }

    public async Task<IReadOnlyList<SettingsVersion>> ListLatestAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "SELECT model, kind, version, json, actor, time FROM model_settings WHERE model = @model AND kind = @kind ORDER BY version",
            ("model", model), ("kind", kind));
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<SettingsVersion>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
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

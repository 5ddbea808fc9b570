using System.Data.Common;
using Warden.Core.Audit;
using static Warden.Core.Storage.Sql.SqlValues;

namespace Warden.Core.Storage.Sql;

/// <summary><see cref="IAuditStore"/> over ADO.NET, for SQLite and PostgreSQL alike: one linear chain however many replicas append.</summary>
public sealed class SqlAuditStore(SqlDatabase database) : IAuditStore
{
    private const string Columns = "seq, time, actor, action, target, details, prev_hash, hash";

    public async Task<AuditEntry?> GetLastAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await HeadAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AuditEntry> AppendNextAsync(Func<AuditEntry?, AuditEntry> next, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Appends from every process are serialised (a table lock on PostgreSQL, the write transaction itself on SQLite):
        // the head read below is the head the new entry links to, and the primary key on seq would refuse a fork anyway.
        await LockTableForAppendAsync(database, connection, transaction, "audit_log", cancellationToken).ConfigureAwait(false);

        var entry = next(await HeadAsync(connection, transaction, cancellationToken).ConfigureAwait(false));
        await using (var insert = Command(connection, transaction,
            $"INSERT INTO audit_log ({Columns}) VALUES (@seq, @time, @actor, @action, @target, @details, @prev, @hash)",
            ("seq", entry.Sequence), ("time", ToMs(entry.Time)), ("actor", entry.Actor), ("action", entry.Action),
            ("target", entry.Target), ("details", entry.DetailsJson), ("prev", entry.PreviousHash), ("hash", entry.Hash)))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return entry;
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(long after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {Columns} FROM audit_log WHERE seq > @after ORDER BY seq LIMIT @limit",
            ("after", after), ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(Read(reader));
        }

        return result;
    }

    private static async Task<AuditEntry?> HeadAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT {Columns} FROM audit_log ORDER BY seq DESC LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static AuditEntry Read(DbDataReader reader) => new(
        reader.GetInt64(0), FromMs(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3),
        reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7));
}

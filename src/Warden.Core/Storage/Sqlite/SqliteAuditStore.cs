using Microsoft.Data.Sqlite;
using Warden.Core.Audit;
using static Warden.Core.Storage.Sqlite.SqliteValues;

namespace Warden.Core.Storage.Sqlite;

/// <summary>SQLite implementation of <see cref="IAuditStore"/>.</summary>
public sealed class SqliteAuditStore(SqliteDatabase database) : IAuditStore
{
    private const string Columns = "seq, time, actor, action, target, details, prev_hash, hash";

    public async Task<AuditEntry?> GetLastAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {Columns} FROM audit_log ORDER BY seq DESC LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public async Task<AuditEntry> AppendNextAsync(Func<AuditEntry?, AuditEntry> next, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);

        // BEGIN IMMEDIATE takes the database's write lock before the head is read, so a second process sharing the file
        // waits and then links to this entry.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        AuditEntry? head;
        await using (var last = Command(connection, $"SELECT {Columns} FROM audit_log ORDER BY seq DESC LIMIT 1"))
        {
            last.Transaction = transaction;
            await using var reader = await last.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            head = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
        }

        var entry = next(head);
        await using var command = Command(connection,
            $"INSERT INTO audit_log ({Columns}) VALUES ($seq, $time, $actor, $action, $target, $details, $prev, $hash)",
            ("$seq", entry.Sequence), ("$time", ToMs(entry.Time)), ("$actor", entry.Actor), ("$action", entry.Action),
            ("$target", entry.Target), ("$details", entry.DetailsJson), ("$prev", entry.PreviousHash), ("$hash", entry.Hash));
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return entry;
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(long after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {Columns} FROM audit_log WHERE seq > $after ORDER BY seq LIMIT $limit",
            ("$after", after), ("$limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(Read(reader));
        }

        return result;
    }

    private static AuditEntry Read(SqliteDataReader reader) => new(
        reader.GetInt64(0), FromMs(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3),
        reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7));
}

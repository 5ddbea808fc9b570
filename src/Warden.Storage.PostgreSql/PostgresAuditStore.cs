using Npgsql;
using Warden.Core.Audit;
using Warden.Core.Storage;
using static Warden.Storage.PostgreSql.PostgresValues;

namespace Warden.Storage.PostgreSql;

/// <summary>PostgreSQL implementation of <see cref="IAuditStore"/>: one linear chain however many replicas append.</summary>
public sealed class PostgresAuditStore(PostgresDatabase database) : IAuditStore
{
    private const string Columns = "seq, time, actor, action, target, details, prev_hash, hash";

    public async Task<AuditEntry?> GetLastAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await HeadAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AuditEntry> AppendNextAsync(Func<AuditEntry?, AuditEntry> next, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // A self-conflicting table lock serialises appends from every replica (readers are not blocked): the head read
        // below is the head the new entry links to, and the primary key on seq would refuse a fork anyway.
        await using (var lockHead = Command(connection, transaction, "LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE"))
        {
            await lockHead.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

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
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
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

    private static async Task<AuditEntry?> HeadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT {Columns} FROM audit_log ORDER BY seq DESC LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static AuditEntry Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0), FromMs(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3),
        reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7));
}

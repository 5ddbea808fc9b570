using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Warden.Core.Storage.Sql;

namespace Warden.Storage.Sqlite;

/// <summary>
/// SQLite's side of <see cref="SqlDialect"/>. A write transaction begins with <c>BEGIN IMMEDIATE</c> (the driver's
/// default), which takes the database's only write lock, so no extra locking is needed; rows go in through one prepared
/// insert.
/// </summary>
public sealed class SqliteDialect : SqlDialect
{
    public static SqliteDialect Instance { get; } = new();

    public override string? LockName => null;

    public override string? LockTableForAppend(string table) => null;

    public override async Task<long> ReserveSequenceAsync(DbConnection connection, DbTransaction transaction, string table, int count, CancellationToken cancellationToken)
    {
        // An AUTOINCREMENT table records its highest number ever used in sqlite_sequence (so numbers of deleted rows are
        // not reused); rows inserted with explicit numbers move it on.
        var sql = $"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0), COALESCE((SELECT MAX(seq) FROM {table}), 0)) + 1";
        if (connection is KeptConnection kept)
        {
            var statement = kept.Statement(sql);
            statement.Transaction = (SqliteTransaction)transaction;
            return Convert.ToInt64(statement.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public override async Task InsertRowsAsync(
        DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        var names = columns.Select((_, i) => "@c" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var sql = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", names)})";

        // On the connection kept for the log's appends the insert stays prepared from one batch to the next.
        var kept = connection as KeptConnection;
        var command = kept?.Statement(sql, names.Length) ?? (SqliteCommand)connection.CreateCommand();
        try
        {
            command.Transaction = (SqliteTransaction)transaction;
            if (kept is null)
            {
                command.CommandText = sql;
                foreach (var name in names)
                {
                    command.Parameters.Add(new SqliteParameter(name, null));
                }
            }

            var parameters = command.Parameters;
            foreach (var row in rows)
            {
                for (var i = 0; i < names.Length; i++)
                {
                    parameters[i].Value = row[i] ?? DBNull.Value;
                }

                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (kept is null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

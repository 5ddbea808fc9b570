using System.Data.Common;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Warden.Core.Storage.Sql;

namespace Warden.Storage.PostgreSql;

/// <summary>
/// PostgreSQL's side of <see cref="SqlDialect"/>: replicas are serialised with table locks and transaction-scoped advisory
/// locks, sequence numbers come from a sequence named <c>{table}_seq</c>, and batches go in with binary <c>COPY</c>.
/// </summary>
public sealed class PostgresDialect : SqlDialect
{
    public static PostgresDialect Instance { get; } = new();

    public override string? LockName => "SELECT pg_advisory_xact_lock(hashtextextended(@lock, 0))";

    // Self-conflicting, so appenders queue; readers are not blocked.
    public override string? LockTableForAppend(string table) => $"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE";

    public override async Task<long> ReserveSequenceAsync(DbConnection connection, DbTransaction transaction, string table, int count, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT setval('{table}_seq', nextval('{table}_seq') + @n - 1) - @n + 1", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("n", (long)count);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public override async Task InsertRowsAsync(
        DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        await using var copy = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(
            $"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
            foreach (var value in row)
            {
                await (value switch
                {
                    null or DBNull => copy.WriteNullAsync(cancellationToken),
                    string text => copy.WriteAsync(text, NpgsqlDbType.Text, cancellationToken),
                    long number => copy.WriteAsync(number, NpgsqlDbType.Bigint, cancellationToken),
                    int number => copy.WriteAsync(number, NpgsqlDbType.Integer, cancellationToken),
                    double number => copy.WriteAsync(number, NpgsqlDbType.Double, cancellationToken),
                    bool flag => copy.WriteAsync(flag, NpgsqlDbType.Boolean, cancellationToken),
                    byte[] bytes => copy.WriteAsync(bytes, NpgsqlDbType.Bytea, cancellationToken),
                    _ => throw new ArgumentException($"no COPY type for {value.GetType()} (column of {table})", nameof(rows)),
                }).ConfigureAwait(false);
            }
        }

        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    // Identity columns and the {table}_seq sequences of ReserveSequenceAsync continue after the largest copied value.
    public override async Task AfterCopyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var sequences = new List<(string Sequence, string Table, string Column)>();
        await using (var identities = new NpgsqlCommand(
            """
            SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) FROM information_schema.columns
            WHERE table_schema = current_schema() AND is_identity = 'YES' AND table_name = ANY(@tables)
            UNION ALL
            SELECT c.table_name, c.column_name, c.table_name || '_seq' FROM information_schema.columns c
            WHERE c.table_schema = current_schema() AND c.column_name = 'seq' AND c.table_name = ANY(@tables)
              AND to_regclass(quote_ident(c.table_name || '_seq')) IS NOT NULL
            """, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction))
        {
            identities.Parameters.AddWithValue("tables", tables.ToArray());
            await using var reader = await identities.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                sequences.Add((reader.GetString(2), reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (sequence, table, column) in sequences)
        {
            await using var advance = new NpgsqlCommand(
                $"SELECT setval(@sequence::regclass, COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
            advance.Parameters.AddWithValue("sequence", sequence);
            await advance.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

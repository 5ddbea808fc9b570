using System.Data.Common;
using System.Globalization;

namespace Warden.Core.Storage.Sql;

/// <summary>Conversions and command building shared by the ADO.NET stores. Times are stored as Unix milliseconds in
/// 64-bit integer columns on both backends, so that <c>warden db copy</c> moves rows without reinterpreting them.</summary>
internal static class SqlValues
{
    public static long ToMs(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static object Nullable(DateTimeOffset? time) => time is null ? DBNull.Value : ToMs(time.Value);

    public static object Nullable(string? text) => text is null ? DBNull.Value : text;

    public static DateTimeOffset? ReadNullableTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : FromMs(reader.GetInt64(ordinal));

    public static string? ReadNullableString(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>SQLite hands every integer back as a 64-bit value, PostgreSQL as the column's width.</summary>
    public static long ToInt64(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    /// <summary>
    /// A command with named parameters, written <c>@name</c> in the SQL (both drivers bind that form). A null value is
    /// sent untyped, so SQL that tests it with <c>IS NULL</c> casts it (<c>CAST(@model AS TEXT) IS NULL</c>): PostgreSQL
    /// cannot infer the type of a bare parameter there.
    /// </summary>
    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        Command(connection, null, sql, parameters);

    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name.StartsWith('@') ? name : "@" + name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>Runs <paramref name="command"/> and reads every row with <paramref name="read"/>.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(read(reader));
        }

        return result;
    }

    /// <summary>Runs the dialect's lock statement (when it has one) on <paramref name="name"/> inside <paramref name="transaction"/>.</summary>
    public static async Task LockNameAsync(SqlDatabase database, DbConnection connection, DbTransaction transaction, string name, CancellationToken cancellationToken)
    {
        if (database.Dialect.LockName is { } sql)
        {
            await using var command = Command(connection, transaction, sql, ("lock", name));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the dialect's append lock (when it has one) on <paramref name="table"/> inside <paramref name="transaction"/>.</summary>
    public static async Task LockTableForAppendAsync(SqlDatabase database, DbConnection connection, DbTransaction transaction, string table, CancellationToken cancellationToken)
    {
        if (database.Dialect.LockTableForAppend(table) is { } sql)
        {
            await using var command = Command(connection, transaction, sql);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>An <c>IN (...)</c> list of parameters <c>@prefix0, @prefix1…</c> for <paramref name="values"/>, added to <paramref name="parameters"/>.</summary>
    public static string InList<T>(string prefix, IReadOnlyList<T> values, List<(string, object?)> parameters)
    {
        var names = new string[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            names[i] = "@" + prefix + i.ToString(CultureInfo.InvariantCulture);
            parameters.Add((names[i], values[i]));
        }

        return "(" + string.Join(", ", names) + ")";
    }
}

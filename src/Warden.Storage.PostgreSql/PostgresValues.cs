using Npgsql;

namespace Warden.Storage.PostgreSql;

/// <summary>Conversions shared by the PostgreSQL stores. Times are Unix milliseconds in <c>bigint</c> columns, as in the
/// SQLite store, so that <c>warden db copy</c> moves rows without reinterpreting them.</summary>
internal static class PostgresValues
{
    public static long ToMs(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static object Nullable(DateTimeOffset? time) => time is null ? DBNull.Value : ToMs(time.Value);

    public static object Nullable(string? text) => text is null ? DBNull.Value : text;

    public static DateTimeOffset? ReadNullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : FromMs(reader.GetInt64(ordinal));

    public static string? ReadNullableString(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>A command with named parameters (<c>@name</c> in the SQL). A null value is sent untyped, so SQL that tests
    /// it with <c>IS NULL</c> casts it (<c>@model::text IS NULL</c>).</summary>
    public static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        Command(connection, null, sql, parameters);

    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}

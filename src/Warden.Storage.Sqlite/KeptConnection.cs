using Microsoft.Data.Sqlite;

namespace Warden.Storage.Sqlite;

/// <summary>
/// A connection the database keeps open for one kind of work (the prediction log's appends, background checkpoints) rather
/// than taking one from the pool per call: Microsoft.Data.Sqlite finalises a command's statements when a pooled connection
/// is closed, so every batch would parse and plan its statements again. Here each statement is prepared on first use and
/// kept, by its SQL text, for as long as the connection lives. Not thread-safe: its owner lets one caller at a time in.
/// </summary>
internal sealed class KeptConnection : SqliteConnection
{
    private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);

    public KeptConnection(string connectionString)
        : base(connectionString)
    {
    }

    /// <summary>
    /// The command for <paramref name="sql"/>, created on first use with parameters <c>@c0</c> … <c>@c{n-1}</c> for
    /// <paramref name="parameters"/> and kept (its statement stays prepared between executions); the caller must not dispose it.
    /// </summary>
    public SqliteCommand Statement(string sql, int parameters = 0)
    {
        if (!_statements.TryGetValue(sql, out var command))
        {
            command = CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < parameters; i++)
            {
                command.Parameters.Add(new SqliteParameter("@c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), null));
            }

            _statements.Add(sql, command);
        }

        return command;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var command in _statements.Values)
            {
                command.Dispose();
            }

            _statements.Clear();
        }

        base.Dispose(disposing);
    }
}

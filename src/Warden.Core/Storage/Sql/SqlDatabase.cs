using System.Data.Common;

namespace Warden.Core.Storage.Sql;

/// <summary>
/// A relational database the shared ADO.NET stores run on: a source of open connections and the <see cref="SqlDialect"/>
/// that covers what the SQL of the two backends (SQLite, PostgreSQL) cannot say the same way.
/// </summary>
public abstract class SqlDatabase
{
    /// <summary>What differs between the backends.</summary>
    public abstract SqlDialect Dialect { get; }

    /// <summary>Opens a pooled connection with the backend's per-connection settings applied.</summary>
    public abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default);
}

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

    /// <summary>
    /// Runs <paramref name="write"/> in a write transaction and commits it: the path of the prediction log's batches. A
    /// backend may keep a connection open for these writes (SQLite does, so that their statements are prepared once and no
    /// checkpoint runs inside their commits); by default each call opens a pooled connection.
    /// </summary>
    public virtual async Task WriteAsync(Func<DbConnection, DbTransaction, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await write(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="write"/> as <see cref="WriteAsync"/> does, but returns as soon as the transaction has committed,
    /// with the task of the commit's durability: a backend whose commit may return before it is on disk (SQLite's pipelined
    /// sync) completes that task once it is, so a caller can commit its next batch meanwhile. By default the commit is
    /// durable when it returns.
    /// </summary>
    public virtual async Task<Task> CommitAsync(Func<DbConnection, DbTransaction, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        await WriteAsync(write, cancellationToken).ConfigureAwait(false);
        return Task.CompletedTask;
    }
}

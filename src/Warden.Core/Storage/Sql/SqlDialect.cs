using System.Data.Common;

namespace Warden.Core.Storage.Sql;

/// <summary>
/// The few statements the shared stores cannot write once for both backends: how writers from several processes are
/// serialised, how a batch of sequence numbers is reserved, and how many rows go in at once.
/// </summary>
public abstract class SqlDialect
{
    /// <summary>
    /// SQL that, run first in a write transaction, makes other writers of <paramref name="table"/> wait until it commits,
    /// so that a row read as the last one is still the last when the next is appended; null when the write transaction
    /// itself already excludes every other writer.
    /// </summary>
    public abstract string? LockTableForAppend(string table);

    /// <summary>
    /// SQL taking a lock, held until the transaction ends, on the name in parameter <c>@lock</c>; null when the write
    /// transaction itself already excludes every other writer.
    /// </summary>
    public abstract string? LockName { get; }

    /// <summary>
    /// Reserves <paramref name="count"/> consecutive sequence numbers for rows of <paramref name="table"/> (whose key is
    /// <c>seq</c>) inside <paramref name="transaction"/> and returns the first; numbers are never handed out twice, even
    /// after the rows holding them are deleted.
    /// </summary>
    public abstract Task<long> ReserveSequenceAsync(DbConnection connection, DbTransaction transaction, string table, int count, CancellationToken cancellationToken);

    /// <summary>Inserts <paramref name="rows"/> (values in the order of <paramref name="columns"/>) into <paramref name="table"/> inside <paramref name="transaction"/>.</summary>
    public abstract Task InsertRowsAsync(
        DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken);

    /// <summary>
    /// Runs after <see cref="SqlStoreCopy"/> inserted rows with their own ids into <paramref name="tables"/>: moves whatever
    /// hands out new ids past the copied ones. Nothing by default (SQLite derives the next id from the rows).
    /// </summary>
    public virtual Task AfterCopyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> tables, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}

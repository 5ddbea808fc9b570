using Warden.Core.Audit;

namespace Warden.Core.Storage;

/// <summary>Persistence of the append-only audit chain.</summary>
public interface IAuditStore
{
    /// <summary>The entry with the highest sequence number, or null when the chain is empty.</summary>
    Task<AuditEntry?> GetLastAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends the entry that <paramref name="next"/> builds from the current head (null when the chain is empty) and returns
    /// it. The read of the head and the insert are one transaction that excludes every other writer of the same database,
    /// other processes and replicas included, so the chain stays linear however many servers append.
    /// </summary>
    Task<AuditEntry> AppendNextAsync(Func<AuditEntry?, AuditEntry> next, CancellationToken cancellationToken = default);

    /// <summary>Entries with sequence greater than <paramref name="after"/>, ascending, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAsync(long after, int limit, CancellationToken cancellationToken = default);
}

using Warden.Core.Audit;

namespace Warden.Core.Storage;

/// <summary>Persistence of the append-only audit chain.</summary>
public interface IAuditStore
{
    /// <summary>The entry with the highest sequence number, or null when the chain is empty.</summary>
    Task<AuditEntry?> GetLastAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends an entry; its sequence must be the next one.</summary>
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Entries with sequence greater than <paramref name="after"/>, ascending, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAsync(long after, int limit, CancellationToken cancellationToken = default);
}

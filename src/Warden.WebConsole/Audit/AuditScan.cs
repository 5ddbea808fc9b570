using Warden.Core.Audit;
using Warden.Core.Storage;

namespace Warden.WebConsole.Audit;

/// <summary>
/// Finds audit entries by any criterion. The store pages the chain oldest-first and has no filters, so the console scans it
/// in pages and keeps the newest matches; only the newest <see cref="MaxScanned"/> entries are read, which bounds
/// the work one page view may cause.
/// </summary>
public static class AuditScan
{
    /// <summary>Most entries one scan reads.</summary>
    public const int MaxScanned = 200_000;

    private const int PageSize = 1000;

    /// <summary>The newest <paramref name="max"/> entries matching <paramref name="match"/>, newest first, and how many were read.</summary>
    public static async Task<(List<AuditEntry> Entries, long Scanned)> NewestAsync(
        IAuditStore store, Func<AuditEntry, bool> match, int max, CancellationToken cancellationToken)
    {
        var kept = new Queue<AuditEntry>(max);
        // Scan the newest part of the chain only: a long chain's oldest entries are reached through the API's paging.
        var last = await store.GetLastAsync(cancellationToken).ConfigureAwait(false);
        long after = Math.Max(0, (last?.Sequence ?? 0) - MaxScanned), scanned = 0;
        while (scanned < MaxScanned)
        {
            var page = await store.ListAsync(after, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page)
            {
                if (!match(entry))
                {
                    continue;
                }

                if (kept.Count == max)
                {
                    kept.Dequeue();
                }

                kept.Enqueue(entry);
            }

            scanned += page.Count;
            if (page.Count < PageSize)
            {
                break;
            }

            after = page[^1].Sequence;
        }

        var newestFirst = kept.ToList();
        newestFirst.Reverse();
        return (newestFirst, scanned);
    }
}

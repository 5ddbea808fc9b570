using Warden.Contracts.Admin;

namespace Warden.Core.Audit;

/// <summary>
/// Checks an audit chain and names each break: an entry whose content no longer matches its hash was <c>edited</c>;
/// a gap in sequence numbers, or a link to an entry that no longer exists, means entries were <c>deleted</c>; a link that
/// skips the entry before it means that entry was <c>inserted</c>; a link to an entry that now comes later means the
/// entries were <c>reordered</c>.
/// </summary>
public static class AuditChainVerifier
{
    /// <summary>Verifies <paramref name="entries"/> in stored (sequence) order.</summary>
    public static AuditVerification Verify(IReadOnlyList<AuditEntry> entries)
    {
        var result = new AuditVerification { EntriesChecked = entries.Count };
        var positionByHash = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            positionByHash.TryAdd(entries[i].Hash, i);
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (!AuditHasher.Matches(entry))
            {
                Add(result, entry.Sequence, "edited", $"entry {entry.Sequence} ({entry.Action} on {entry.Target}) does not match its hash: its content was changed");
                continue;
            }

            var expectedPrevious = i == 0 ? AuditHasher.Genesis : entries[i - 1].Hash;
            var expectedSequence = i == 0 ? 1 : entries[i - 1].Sequence + 1;
            if (entry.PreviousHash == expectedPrevious)
            {
                if (entry.Sequence != expectedSequence)
                {
                    Add(result, entry.Sequence, "reordered", $"entry {entry.Sequence} links correctly but follows sequence {expectedSequence - 1}: sequence numbers were changed");
                }

                continue;
            }

            if (entry.Sequence > expectedSequence)
            {
                Add(result, entry.Sequence, "deleted", $"entries {expectedSequence}..{entry.Sequence - 1} are missing before entry {entry.Sequence}");
            }
            else if (positionByHash.TryGetValue(entry.PreviousHash, out var linked))
            {
                if (linked > i)
                {
                    Add(result, entry.Sequence, "reordered", $"entry {entry.Sequence} links to entry {entries[linked].Sequence}, which now comes after it");
                }
                else if (linked < i - 1)
                {
                    var first = entries[linked + 1].Sequence;
                    var last = entries[i - 1].Sequence;
                    Add(result, first, "inserted", first == last
                        ? $"entry {first} was inserted: entry {entry.Sequence} links past it to entry {entries[linked].Sequence}"
                        : $"entries {first}..{last} were inserted: entry {entry.Sequence} links past them to entry {entries[linked].Sequence}");
                }
                else
                {
                    Add(result, entry.Sequence, "reordered", $"entry {entry.Sequence} does not link to the entry before it");
                }
            }
            else if (i == 0 && entry.Sequence > 1)
            {
                Add(result, entry.Sequence, "deleted", $"entries 1..{entry.Sequence - 1} are missing");
            }
            else
            {
                Add(result, entry.Sequence, "deleted", $"entry {entry.Sequence} links to an entry that is no longer in the chain: the entry before it was deleted");
            }
        }

        result.Valid = result.Problems.Count == 0;
        return result;
    }

    private static void Add(AuditVerification result, long sequence, string kind, string message) =>
        result.Problems.Add(new AuditProblem { Sequence = sequence, Kind = kind, Message = message });
}

namespace Warden.Core.Fairness;

/// <summary>
/// One sensitive attribute, dictionary-encoded: each row holds an integer code into <see cref="Categories"/>
/// (sorted ordinally so reports are stable regardless of row order).
/// </summary>
public sealed class SensitiveFeature
{
    private SensitiveFeature(string name, string[] categories, int[] codes)
    {
        Name = name;
        CategoryArray = categories;
        Codes = codes;
    }

    /// <summary>Column name of the attribute.</summary>
    public string Name { get; }

    /// <summary>Distinct values, ordinal order; a missing value is the empty string.</summary>
    public IReadOnlyList<string> Categories => CategoryArray;

    internal string[] CategoryArray { get; }

    internal int[] Codes { get; }

    /// <summary>Encodes a column of raw values.</summary>
    public static SensitiveFeature Encode(string name, IReadOnlyList<string> values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var firstSeen = new Dictionary<string, int>(StringComparer.Ordinal);
        // Columns read from CSV (or built from a few constants) share one string instance per value,
        // so comparing references against the first few distinct values usually avoids hashing.
        const int RecentLimit = 16;
        var recent = new string[RecentLimit];
        var recentCodes = new int[RecentLimit];
        var recentCount = 0;
        var codes = new int[values.Count];
        for (var i = 0; i < codes.Length; i++)
        {
            var v = values[i] ?? string.Empty;
            var found = -1;
            for (var r = 0; r < recentCount; r++)
            {
                if (ReferenceEquals(recent[r], v))
                {
                    found = recentCodes[r];
                    break;
                }
            }

            if (found >= 0)
            {
                codes[i] = found;
                continue;
            }

            if (!firstSeen.TryGetValue(v, out var code))
            {
                code = firstSeen.Count;
                firstSeen[v] = code;
            }

            codes[i] = code;
            if (recentCount < RecentLimit)
            {
                recent[recentCount] = v;
                recentCodes[recentCount++] = code;
            }
        }

        var sorted = firstSeen.Keys.Order(StringComparer.Ordinal).ToArray();
        var remap = new int[sorted.Length];
        for (var k = 0; k < sorted.Length; k++)
        {
            remap[firstSeen[sorted[k]]] = k;
        }

        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = remap[codes[i]];
        }

        return new SensitiveFeature(name, sorted, codes);
    }

    /// <summary>Code of a category, or -1 when the value never occurs.</summary>
    public int CodeOf(string value) => Array.BinarySearch(CategoryArray, value, StringComparer.Ordinal) is var i and >= 0 ? i : -1;

    /// <summary>Category of row <paramref name="row"/>.</summary>
    public string ValueAt(int row) => CategoryArray[Codes[row]];
}

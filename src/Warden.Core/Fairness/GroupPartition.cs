namespace Warden.Core.Fairness;

/// <summary>
/// Rows partitioned by one sensitive feature or by the intersection of several: combined code
/// = mixed-radix number of the per-feature codes, densified to the combinations that actually occur.
/// </summary>
internal sealed class GroupPartition
{
    private GroupPartition(string[] features, int[] codes, string[][] groupValues)
    {
        Features = features;
        Codes = codes;
        GroupValues = groupValues;
    }

    internal string[] Features { get; }

    internal int[] Codes { get; }

    /// <summary>Per group, the value of each feature.</summary>
    internal string[][] GroupValues { get; }

    internal int GroupCount => GroupValues.Length;

    internal string SectionKey => string.Join(" & ", Features);

    internal string GroupKey(int group) => KeyOf(Features, GroupValues[group]);

    internal static string KeyOf(IReadOnlyList<string> features, IReadOnlyList<string> values) =>
        string.Join(" & ", features.Select((f, i) => f + "=" + values[i]));

    internal static GroupPartition Build(IReadOnlyList<SensitiveFeature> features)
    {
        if (features.Count == 1)
        {
            var f = features[0];
            return new GroupPartition([f.Name], f.Codes, f.CategoryArray.Select(c => new[] { c }).ToArray());
        }

        var n = features[0].Codes.Length;
        long space = 1;
        foreach (var f in features)
        {
            space = checked(space * Math.Max(1, f.CategoryArray.Length));
        }

        if (space > int.MaxValue)
        {
            throw new InvalidOperationException("Too many intersection groups.");
        }

        var combined = new int[n];
        for (var k = 0; k < features.Count; k++)
        {
            var codes = features[k].Codes;
            var radix = features[k].CategoryArray.Length;
            for (var i = 0; i < n; i++)
            {
                combined[i] = (combined[i] * radix) + codes[i];
            }
        }

        // Dense codes in ascending combined order keep the lexicographic order of the (sorted) categories.
        int[] present = space <= (1 << 24) ? PresentByArray(combined, (int)space) : combined.Distinct().Order().ToArray();
        var dense = new Dictionary<int, int>(present.Length);
        for (var g = 0; g < present.Length; g++)
        {
            dense[present[g]] = g;
        }

        if (space <= (1 << 24))
        {
            var map = new int[space];
            foreach (var (code, g) in dense)
            {
                map[code] = g;
            }

            for (var i = 0; i < n; i++)
            {
                combined[i] = map[combined[i]];
            }
        }
        else
        {
            for (var i = 0; i < n; i++)
            {
                combined[i] = dense[combined[i]];
            }
        }

        var values = present.Select(code =>
        {
            var v = new string[features.Count];
            for (var k = features.Count - 1; k >= 0; k--)
            {
                var radix = features[k].CategoryArray.Length;
                v[k] = features[k].CategoryArray[code % radix];
                code /= radix;
            }

            return v;
        }).ToArray();
        return new GroupPartition(features.Select(f => f.Name).ToArray(), combined, values);
    }

    private static int[] PresentByArray(int[] combined, int space)
    {
        var seen = new bool[space];
        foreach (var c in combined)
        {
            seen[c] = true;
        }

        var result = new List<int>();
        for (var c = 0; c < space; c++)
        {
            if (seen[c])
            {
                result.Add(c);
            }
        }

        return result.ToArray();
    }
}

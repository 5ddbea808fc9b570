using Warden.Core.Data;
namespace Warden.Core.Fairness;

/// <summary>
/// Data representation ("datasheet"-style, Gebru et al. 2021) profile: group counts and shares, shares relative to a
/// reference population, label base rate and missing-value rate per group and column, and under-representation flags
/// (count below <see cref="DataProfileOptions.MinRows"/> or share below <see cref="DataProfileOptions.MinShareRatio"/> × reference share).
/// </summary>
public static class DataProfiler
{
    private static readonly HashSet<string> MissingTokens = new(StringComparer.OrdinalIgnoreCase) { string.Empty, "NA", "N/A", "NaN", "null", "?" };

    /// <summary>True for values treated as missing: empty, NA, N/A, NaN, null, ? (case-insensitive, trimmed).</summary>
    public static bool IsMissing(string value) => MissingTokens.Contains(value.Trim());

    /// <summary>Profiles every column of <paramref name="table"/> by the sensitive groups.</summary>
    public static DataProfile Profile(CsvTable table, DataProfileOptions options)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Sensitive.Count == 0)
        {
            throw new ArgumentException("At least one sensitive feature is required.", nameof(options));
        }

        if (options.Label is not null && options.PositiveLabel is null)
        {
            throw new ArgumentException("A positive label value is required with a label column.", nameof(options));
        }

        var n = table.RowCount;
        var features = options.Sensitive.Select(s => SensitiveFeature.Encode(s, table.Column(s))).ToList();
        foreach (var (feature, shares) in options.ReferenceShares)
        {
            if (!options.Sensitive.Contains(feature))
            {
                throw new ArgumentException($"Reference shares given for '{feature}', which is not a sensitive feature.", nameof(options));
            }

            if (shares.Values.Any(v => !(v > 0 && v <= 1)))
            {
                throw new ArgumentException($"Reference shares of '{feature}' must lie in (0, 1].", nameof(options));
            }
        }

        var missing = table.ColumnNames.Select(c => table.Column(c).Select(v => IsMissing(v)).ToArray()).ToArray();
        sbyte[]? label = null;
        if (options.Label is not null)
        {
            var positive = options.PositiveLabel!.Trim();
            label = table.Column(options.Label).Select(v => IsMissing(v) ? (sbyte)-1 : v.Trim() == positive ? (sbyte)1 : (sbyte)0).ToArray();
        }

        var partitions = features.Select(f => GroupPartition.Build([f])).ToList();
        if (options.IncludeIntersection && features.Count > 1)
        {
            partitions.Add(GroupPartition.Build(features));
        }

        var profiles = partitions.Select(p => ProfilePartition(p, table, missing, label, options)).ToList();
        return new DataProfile
        {
            Rows = n,
            Label = options.Label,
            BaseRate = label is null ? null : Rate(label, _ => true),
            MissingRates = table.ColumnNames.Select((c, k) => (c, n == 0 ? 0 : missing[k].Count(m => m) / (double)n)).ToDictionary(t => t.c, t => t.Item2),
            Features = profiles,
        };
    }

    private static FeatureProfile ProfilePartition(GroupPartition part, CsvTable table, bool[][] missing, sbyte[]? label, DataProfileOptions options)
    {
        var n = part.Codes.Length;
        var counts = new long[part.GroupCount];
        var missingCounts = new long[part.GroupCount, missing.Length];
        var positives = new long[part.GroupCount];
        var labelled = new long[part.GroupCount];
        for (var i = 0; i < n; i++)
        {
            var g = part.Codes[i];
            counts[g]++;
            for (var c = 0; c < missing.Length; c++)
            {
                if (missing[c][i])
                {
                    missingCounts[g, c]++;
                }
            }

            if (label is not null && label[i] >= 0)
            {
                labelled[g]++;
                positives[g] += label[i];
            }
        }

        var single = part.Features.Length == 1;
        var groups = new List<GroupProfile>();
        for (var g = 0; g < part.GroupCount; g++)
        {
            var share = counts[g] / (double)n;
            double? reference = null;
            if (single && options.ReferenceShares.TryGetValue(part.Features[0], out var shares) && shares.TryGetValue(part.GroupValues[g][0], out var r))
            {
                reference = r;
            }

            var reasons = new List<string>();
            if (counts[g] < options.MinRows)
            {
                reasons.Add($"{counts[g]} rows < {options.MinRows}");
            }

            double? ratio = reference is { } rs ? share / rs : null;
            if (ratio < options.MinShareRatio)
            {
                reasons.Add($"share {ReportFormat.Num(share)} < {ReportFormat.Num(options.MinShareRatio)} × reference {ReportFormat.Num(reference)}");
            }

            groups.Add(new GroupProfile
            {
                Key = part.GroupKey(g),
                Values = part.Features.Select((f, i) => (f, part.GroupValues[g][i])).ToDictionary(t => t.f, t => t.Item2),
                Count = counts[g],
                Share = share,
                ReferenceShare = reference,
                ShareRatio = ratio,
                BaseRate = labelled[g] > 0 ? positives[g] / (double)labelled[g] : null,
                MissingRates = table.ColumnNames.Select((c, k) => (c, missingCounts[g, k] / (double)counts[g])).ToDictionary(t => t.c, t => t.Item2),
                UnderRepresented = reasons.Count > 0,
                Reasons = reasons,
            });
        }

        if (single && options.ReferenceShares.TryGetValue(part.Features[0], out var declared))
        {
            // A reference group absent from the data is the most under-represented of all; report it rather than drop it.
            foreach (var (value, share) in declared.Where(kv => part.GroupValues.All(v => v[0] != kv.Key)))
            {
                groups.Add(new GroupProfile
                {
                    Key = GroupPartition.KeyOf(part.Features, [value]),
                    Values = new Dictionary<string, string> { [part.Features[0]] = value },
                    Count = 0,
                    Share = 0,
                    ReferenceShare = share,
                    ShareRatio = 0,
                    MissingRates = new Dictionary<string, double>(),
                    UnderRepresented = true,
                    Reasons = [$"absent from the data (reference share {ReportFormat.Num(share)})"],
                });
            }
        }

        return new FeatureProfile(part.SectionKey, part.Features, groups);
    }

    private static double? Rate(sbyte[] label, Func<int, bool> include)
    {
        long pos = 0, total = 0;
        for (var i = 0; i < label.Length; i++)
        {
            if (label[i] >= 0 && include(i))
            {
                total++;
                pos += label[i];
            }
        }

        return total > 0 ? pos / (double)total : null;
    }
}

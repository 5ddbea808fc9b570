namespace Warden.Core.Fairness;

/// <summary>
/// Seeded group-balanced resampling: draws row indices with replacement (uniformly within each group or
/// (group, label) cell) so the resampled data meet the <see cref="BalanceMode"/> target. Groups are the intersection
/// of all sensitive features. Sample weights are ignored (resampling replaces them).
/// </summary>
public static class GroupBalancedResampler
{
    /// <summary>Row indices of the resample, grouped by cell in ascending group order.</summary>
    /// <param name="data">Data to resample.</param>
    /// <param name="mode">Balancing target.</param>
    /// <param name="seed">Generator seed; equal seeds give equal resamples.</param>
    /// <param name="rowsPerGroup">For <see cref="BalanceMode.EqualGroups"/>: rows per group (default the largest group).</param>
    public static int[] Resample(FairnessDataset data, BalanceMode mode, ulong seed, int? rowsPerGroup = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var part = GroupPartition.Build(data.SensitiveFeatures);
        var cells = mode == BalanceMode.EqualGroups ? 1 : 2;
        var members = Enumerable.Range(0, part.GroupCount * cells).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < data.RowCount; i++)
        {
            members[(part.Codes[i] * cells) + (cells == 2 ? data.LabelArray[i] : 0)].Add(i);
        }

        var n = data.RowCount;
        var targets = new int[members.Length];
        if (mode == BalanceMode.EqualGroups)
        {
            var size = rowsPerGroup ?? members.Max(m => m.Count);
            if (size < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(rowsPerGroup));
            }

            Array.Fill(targets, size);
        }
        else
        {
            var positives = data.LabelArray.Count(v => v == 1);
            for (var g = 0; g < part.GroupCount; g++)
            {
                var groupSize = members[2 * g].Count + members[(2 * g) + 1].Count;
                targets[2 * g] = (int)Math.Round((double)groupSize * (n - positives) / n, MidpointRounding.AwayFromZero);
                targets[(2 * g) + 1] = (int)Math.Round((double)groupSize * positives / n, MidpointRounding.AwayFromZero);
            }
        }

        var rng = new Xoshiro256(seed);
        var result = new List<int>(targets.Sum());
        for (var k = 0; k < members.Length; k++)
        {
            var m = members[k];
            if (m.Count == 0)
            {
                continue;
            }

            for (var j = 0; j < targets[k]; j++)
            {
                result.Add(m[rng.NextInt(m.Count)]);
            }
        }

        return result.ToArray();
    }
}

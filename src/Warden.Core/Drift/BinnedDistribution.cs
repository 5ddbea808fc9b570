namespace Warden.Core.Drift;

/// <summary>Reference and current counts over the same bins (numeric intervals or categories).</summary>
/// <param name="Labels">One label per bin: the category, or the interval as "[lo, hi)".</param>
/// <param name="Edges">Bin edges for numeric intervals (Labels.Count + 1 values), null for categories.</param>
/// <param name="ReferenceCounts">Reference values per bin.</param>
/// <param name="CurrentCounts">Current values per bin.</param>
public sealed record BinnedDistribution(IReadOnlyList<string> Labels, double[]? Edges, long[] ReferenceCounts, long[] CurrentCounts)
{
    /// <summary>Reference counts divided by the reference size.</summary>
    public double[] ReferenceShares() => Shares(ReferenceCounts);

    /// <summary>Current counts divided by the current size.</summary>
    public double[] CurrentShares() => Shares(CurrentCounts);

    private static double[] Shares(long[] counts)
    {
        long total = 0;
        foreach (long c in counts)
        {
            total += c;
        }

        var shares = new double[counts.Length];
        for (int k = 0; k < counts.Length; k++)
        {
            shares[k] = total == 0 ? 0 : (double)counts[k] / total;
        }

        return shares;
    }
}

namespace Warden.Core.Fairness;

/// <summary>
/// Vose's alias method (Vose 1991, IEEE TSE 17(9)) for O(1) draws from a discrete distribution;
/// used to draw the cell of a uniformly chosen row without touching the rows themselves.
/// </summary>
internal sealed class AliasTable
{
    private readonly double[] probability;
    private readonly int[] alias;
    private readonly ulong[] threshold;

    internal AliasTable(IReadOnlyList<double> weights)
    {
        var k = weights.Count;
        probability = new double[k];
        alias = new int[k];
        var total = weights.Sum();
        var scaled = weights.Select(w => w * k / total).ToArray();
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (var i = 0; i < k; i++)
        {
            (scaled[i] < 1 ? small : large).Push(i);
        }

        while (small.Count > 0 && large.Count > 0)
        {
            var s = small.Pop();
            var l = large.Pop();
            probability[s] = scaled[s];
            alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1;
            (scaled[l] < 1 ? small : large).Push(l);
        }

        // Leftovers are 1 up to rounding error.
        while (large.Count > 0)
        {
            probability[large.Pop()] = 1;
        }

        while (small.Count > 0)
        {
            probability[small.Pop()] = 1;
        }

        threshold = probability.Select(p => p >= 1 ? ulong.MaxValue : (ulong)(p * 4294967296.0)).ToArray();
    }

    /// <summary>One 64-bit draw: the high half picks the column, the low half is the coin (resolution 2^-32).</summary>
    internal int Next(ref Xoshiro256 rng)
    {
        var bits = rng.NextULong();
        var column = (int)(((bits >> 32) * (ulong)probability.Length) >> 32);
        return (uint)bits < threshold[column] ? column : alias[column];
    }
}

using System.Globalization;

namespace Warden.Core.Drift;

/// <summary>
/// Bins reference and current samples for the Jensen–Shannon distance, PSI and report histograms.
/// The default follows Evidently's <c>get_binned_data</c>: a numerical feature with more than 20 distinct reference
/// values is cut into equal-width bins whose count is chosen by Sturges' rule, ⌈log₂ N + 1⌉, over the combined
/// reference + current data (N = n + m, <c>numpy.histogram_bin_edges(bins="sturges")</c>); anything else is binned by its
/// distinct values. Intervals are half-open [a, b) except the last, which is closed, as in <c>numpy.histogram</c>.
/// Unlike Evidently's exact <c>value_counts</c>, values within a relative 1e-6 of each other count as one value: models
/// take FP32, so one applicant's 3.1 arrives as 3.0999999046325684 from a request, 3.1 from a JSON log and
/// 3.09999990463257 from a CSV written from floats, and exact matching would report those as a shift.
/// </summary>
public static class DriftBinning
{
    /// <summary>Numerical features with more distinct reference values than this are cut into intervals.</summary>
    public const int MaxDistinctForValueBins = 20;

    /// <summary>Evidently's binning of two ascending-sorted numeric samples.</summary>
    public static BinnedDistribution Evidently(ReadOnlySpan<double> sortedReference, ReadOnlySpan<double> sortedCurrent)
    {
        if (DistinctCount(sortedReference) <= MaxDistinctForValueBins)
        {
            return DistinctValues(sortedReference, sortedCurrent);
        }

        double min = Math.Min(sortedReference[0], sortedCurrent[0]);
        double max = Math.Max(sortedReference[^1], sortedCurrent[^1]);
        double[] edges = SturgesEdges(min, max, (long)sortedReference.Length + sortedCurrent.Length);
        return FromEdges(edges, sortedReference, sortedCurrent);
    }

    /// <summary>
    /// Quantile binning on the reference (the credit-scoring convention for PSI): cut points at the reference
    /// quantiles k/bins, k = 1…bins−1 (linear interpolation, <c>numpy.quantile</c> default), duplicates removed, and
    /// open outer bins (−∞, q₁) … [q_{bins−1}, +∞) so every current value lands in a bin.
    /// </summary>
    public static BinnedDistribution ReferenceQuantiles(ReadOnlySpan<double> sortedReference, ReadOnlySpan<double> sortedCurrent, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        var edges = new List<double> { double.NegativeInfinity };
        for (int k = 1; k < bins; k++)
        {
            double q = Quantile(sortedReference, (double)k / bins);
            if (q > edges[^1])
            {
                edges.Add(q);
            }
        }

        edges.Add(double.PositiveInfinity);
        return FromEdges(edges.ToArray(), sortedReference, sortedCurrent);
    }

    /// <summary>One bin per distinct value in either sample, ascending.</summary>
    public static BinnedDistribution DistinctValues(ReadOnlySpan<double> sortedReference, ReadOnlySpan<double> sortedCurrent)
    {
        var labels = new List<string>();
        var refCounts = new List<long>();
        var curCounts = new List<long>();
        int i = 0, j = 0;
        while (i < sortedReference.Length || j < sortedCurrent.Length)
        {
            double x = i < sortedReference.Length && (j >= sortedCurrent.Length || sortedReference[i] <= sortedCurrent[j])
                ? sortedReference[i]
                : sortedCurrent[j];
            long rc = 0, cc = 0;
            while (i < sortedReference.Length && SameValue(sortedReference[i], x))
            {
                i++;
                rc++;
            }

            while (j < sortedCurrent.Length && SameValue(sortedCurrent[j], x))
            {
                j++;
                cc++;
            }

            labels.Add(x.ToString(CultureInfo.InvariantCulture));
            refCounts.Add(rc);
            curCounts.Add(cc);
        }

        return new BinnedDistribution(labels, null, refCounts.ToArray(), curCounts.ToArray());
    }

    /// <summary>One bin per category in either sample, in ordinal order; missing values (null) are skipped.</summary>
    public static BinnedDistribution Categories(IEnumerable<string?> reference, IEnumerable<string?> current)
    {
        var refCounts = Count(reference);
        var curCounts = Count(current);
        var keys = new SortedSet<string>(refCounts.Keys, StringComparer.Ordinal);
        keys.UnionWith(curCounts.Keys);
        var labels = keys.ToArray();
        var r = new long[labels.Length];
        var c = new long[labels.Length];
        for (int k = 0; k < labels.Length; k++)
        {
            r[k] = refCounts.GetValueOrDefault(labels[k]);
            c[k] = curCounts.GetValueOrDefault(labels[k]);
        }

        return new BinnedDistribution(labels, null, r, c);
    }

    /// <summary>
    /// Equal-width edges from <paramref name="min"/> to <paramref name="max"/> with Sturges' bin count, computed the way
    /// NumPy does: width = range/(log₂N + 1), bins = ⌈range/width⌉, edges = min + k·range/bins with the last edge = max.
    /// A zero range becomes [min − 0.5, max + 0.5] with one bin.
    /// </summary>
    public static double[] SturgesEdges(double min, double max, long count)
    {
        if (max <= min)
        {
            return [min - 0.5, max + 0.5];
        }

        double range = max - min;
        double width = range / (Math.Log2(count) + 1.0);
        int bins = Math.Max(1, (int)Math.Ceiling(range / width));
        var edges = new double[bins + 1];
        double step = range / bins;
        for (int k = 0; k < bins; k++)
        {
            edges[k] = min + (k * step);
        }

        edges[bins] = max;
        return edges;
    }

    /// <summary>Counts an ascending-sorted sample into bins [e_k, e_{k+1}) (last bin closed); values outside are dropped.</summary>
    public static long[] CountSorted(ReadOnlySpan<double> sorted, ReadOnlySpan<double> edges)
    {
        var counts = new long[edges.Length - 1];
        int lo = LowerBound(sorted, edges[0]);
        for (int k = 0; k < counts.Length; k++)
        {
            int hi = k == counts.Length - 1 ? UpperBound(sorted, edges[k + 1]) : LowerBound(sorted, edges[k + 1]);
            counts[k] = hi - lo;
            lo = hi;
        }

        return counts;
    }

    /// <summary>True when two values are equal to within FP32 precision (relative 1e-6).</summary>
    public static bool SameValue(double a, double b) =>
        a == b || Math.Abs(a - b) <= 1e-6 * Math.Max(Math.Abs(a), Math.Abs(b));

    /// <summary>Number of distinct values in an ascending-sorted sample.</summary>
    public static int DistinctCount(ReadOnlySpan<double> sorted)
    {
        if (sorted.IsEmpty)
        {
            return 0;
        }

        int count = 1;
        for (int k = 1; k < sorted.Length; k++)
        {
            if (!SameValue(sorted[k], sorted[k - 1]))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Number of distinct values in the union of two ascending-sorted samples.</summary>
    public static int DistinctUnionCount(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int i = 0, j = 0, count = 0;
        while (i < a.Length || j < b.Length)
        {
            double x = i < a.Length && (j >= b.Length || a[i] <= b[j]) ? a[i] : b[j];
            count++;
            while (i < a.Length && SameValue(a[i], x))
            {
                i++;
            }

            while (j < b.Length && SameValue(b[j], x))
            {
                j++;
            }
        }

        return count;
    }

    /// <summary>Linear-interpolation quantile of an ascending-sorted sample (NumPy/R type 7).</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }

    private static BinnedDistribution FromEdges(double[] edges, ReadOnlySpan<double> sortedReference, ReadOnlySpan<double> sortedCurrent)
    {
        var labels = new string[edges.Length - 1];
        for (int k = 0; k < labels.Length; k++)
        {
            string close = k == labels.Length - 1 ? "]" : ")";
            labels[k] = string.Create(CultureInfo.InvariantCulture, $"[{edges[k]:G6}, {edges[k + 1]:G6}{close}");
        }

        return new BinnedDistribution(labels, edges, CountSorted(sortedReference, edges), CountSorted(sortedCurrent, edges));
    }

    private static Dictionary<string, long> Count(IEnumerable<string?> values)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string? v in values)
        {
            if (v is not null)
            {
                counts[v] = counts.GetValueOrDefault(v) + 1;
            }
        }

        return counts;
    }

    private static int LowerBound(ReadOnlySpan<double> sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static int UpperBound(ReadOnlySpan<double> sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}

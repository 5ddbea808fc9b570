namespace Warden.Core.Monitoring;

/// <summary>Percentiles of latency samples.</summary>
public static class Percentile
{
    /// <summary>Nearest-rank percentile: the ⌈p·n⌉-th smallest value (Hyndman &amp; Fan 1996, definition 1); null when empty.</summary>
    public static double? NearestRank(IReadOnlyCollection<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}

namespace Warden.Core.Serving;

/// <summary>A count and a cumulative duration in nanoseconds, updated without locks (Triton's <c>$duration_stat</c>).</summary>
public sealed class StatisticDuration
{
    private long _count;
    private long _ns;

    /// <summary>Times the statistic was collected.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Total duration in nanoseconds.</summary>
    public long Nanoseconds => Interlocked.Read(ref _ns);

    /// <summary>Adds one occurrence lasting <paramref name="elapsed"/>.</summary>
    public void Add(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _ns, (long)(elapsed.Ticks * 100));
    }
}

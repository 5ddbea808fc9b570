namespace Warden.Core.Abuse;

/// <summary>Parameters of <see cref="VolumeAnomalyDetector"/>.</summary>
public sealed class VolumeAnomalyDetectorOptions
{
    /// <summary>Width of a counting bucket; the rate is requests per bucket.</summary>
    public TimeSpan BucketWidth { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>EWMA smoothing weight α of the newest closed bucket, in (0, 1].</summary>
    public double Alpha { get; init; } = 0.2;

    /// <summary>k: flag when the current bucket's count exceeds k × the usual (EWMA) rate.</summary>
    public double Multiplier { get; init; } = 5.0;

    /// <summary>Closed buckets (including empty ones) a key needs before it can be flagged.</summary>
    public int WarmupBuckets { get; init; } = 10;

    /// <summary>Counts below this never alert, so a near-zero usual rate does not turn a handful of calls into a spike.</summary>
    public int MinimumCount { get; init; } = 20;

    internal void Validate()
    {
        if (BucketWidth <= TimeSpan.Zero || !(Alpha > 0 && Alpha <= 1) || !(Multiplier > 1) || WarmupBuckets < 1 || MinimumCount < 1)
        {
            throw new ArgumentException("Need BucketWidth > 0, 0 < Alpha ≤ 1, Multiplier > 1, WarmupBuckets ≥ 1 and MinimumCount ≥ 1.");
        }
    }
}

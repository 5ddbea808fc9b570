namespace Warden.Core.Abuse;

/// <summary>
/// The <c>volume</c> section of an <see cref="AbusePolicy"/>: its presence turns on <see cref="VolumeAnomalyDetector"/>
/// for the model. Counts are answered rows (queries) per key in buckets of <see cref="BucketSeconds"/>.
/// </summary>
public sealed class VolumeDetectionPolicy
{
    /// <summary>Bucket width in seconds. Default 60.</summary>
    public double BucketSeconds { get; set; } = 60;

    /// <summary>See <see cref="VolumeAnomalyDetectorOptions.Alpha"/>. Default 0.2.</summary>
    public double Alpha { get; set; } = 0.2;

    /// <summary>See <see cref="VolumeAnomalyDetectorOptions.Multiplier"/>. Default 5.</summary>
    public double Multiplier { get; set; } = 5.0;

    /// <summary>See <see cref="VolumeAnomalyDetectorOptions.WarmupBuckets"/>. Default 10.</summary>
    public int WarmupBuckets { get; set; } = 10;

    /// <summary>See <see cref="VolumeAnomalyDetectorOptions.MinimumCount"/>. Default 20.</summary>
    public int MinimumCount { get; set; } = 20;

    /// <summary>Problems with the section; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!(BucketSeconds >= 1 && BucketSeconds <= 86_400))
        {
            problems.Add("volume.bucketSeconds must be between 1 and 86400");
        }

        if (!(Alpha > 0 && Alpha <= 1))
        {
            problems.Add("volume.alpha must be in (0, 1]");
        }

        if (!(Multiplier > 1) || !double.IsFinite(Multiplier))
        {
            problems.Add("volume.multiplier must exceed 1");
        }

        if (WarmupBuckets < 1 || MinimumCount < 1)
        {
            problems.Add("volume.warmupBuckets and volume.minimumCount must be at least 1");
        }

        return problems;
    }

    internal VolumeAnomalyDetectorOptions ToOptions() => new()
    {
        BucketWidth = TimeSpan.FromSeconds(BucketSeconds),
        Alpha = Alpha,
        Multiplier = Multiplier,
        WarmupBuckets = WarmupBuckets,
        MinimumCount = MinimumCount,
    };
}

namespace Warden.Core.Abuse;

/// <summary>Counting state of one key for <see cref="VolumeAnomalyDetector"/>; constant size.</summary>
internal sealed class VolumeKeyState
{
    public long Bucket { get; set; }

    public long Count { get; set; }

    public double Ewma { get; set; }

    public long ClosedBuckets { get; set; }

    public long Queries { get; set; }

    public bool AlertedInBucket { get; set; }
}

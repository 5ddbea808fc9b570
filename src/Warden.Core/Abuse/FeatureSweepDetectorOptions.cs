namespace Warden.Core.Abuse;

/// <summary>Parameters of <see cref="FeatureSweepDetector"/>.</summary>
public sealed class FeatureSweepDetectorOptions
{
    /// <summary>Per-feature scale (e.g. the training standard deviation or range); steps are measured in these units.</summary>
    public required IReadOnlyList<double> Scales { get; init; }

    /// <summary>Scaled changes at or below this count as "unchanged".</summary>
    public double Tolerance { get; init; } = 1e-9;

    /// <summary>Largest scaled step still considered a small sweep step.</summary>
    public double MaxStep { get; init; } = 0.5;

    /// <summary>L: queries in one sweep (steps + 1) at which the key is flagged.</summary>
    public int MinimumRun { get; init; } = 10;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Scales);
        if (Scales.Count == 0 || Scales.Any(s => !(s > 0) || !double.IsFinite(s)))
        {
            throw new ArgumentException("Scales must be non-empty, positive and finite.", nameof(Scales));
        }

        if (!(Tolerance >= 0) || !(MaxStep > Tolerance) || MinimumRun < 3)
        {
            throw new ArgumentException("Need Tolerance ≥ 0, MaxStep > Tolerance and MinimumRun ≥ 3.", nameof(MaxStep));
        }
    }
}

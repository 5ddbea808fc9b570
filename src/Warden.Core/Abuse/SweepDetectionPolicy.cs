namespace Warden.Core.Abuse;

/// <summary>
/// The <c>sweep</c> section of an <see cref="AbusePolicy"/>: its presence turns on <see cref="FeatureSweepDetector"/>
/// for the model. Steps are measured in units of <see cref="Scales"/>, else of the policy's upper − lower bounds,
/// else in raw input units.
/// </summary>
public sealed class SweepDetectionPolicy
{
    /// <summary>Per-feature scales (one per used feature); optional.</summary>
    public List<double>? Scales { get; set; }

    /// <summary>See <see cref="FeatureSweepDetectorOptions.Tolerance"/>. Default 1e-9.</summary>
    public double Tolerance { get; set; } = 1e-9;

    /// <summary>See <see cref="FeatureSweepDetectorOptions.MaxStep"/>. Default 0.5.</summary>
    public double MaxStep { get; set; } = 0.5;

    /// <summary>See <see cref="FeatureSweepDetectorOptions.MinimumRun"/>. Default 10.</summary>
    public int MinimumRun { get; set; } = 10;

    /// <summary>Problems with the section; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Scales is not null && (Scales.Count == 0 || Scales.Any(s => !(s > 0) || !double.IsFinite(s))))
        {
            problems.Add("sweep.scales must be non-empty, positive and finite");
        }

        if (!(Tolerance >= 0) || !(MaxStep > Tolerance) || !double.IsFinite(MaxStep))
        {
            problems.Add("sweep needs tolerance ≥ 0 and maxStep > tolerance");
        }

        if (MinimumRun is < 3 or > 10_000)
        {
            problems.Add("sweep.minimumRun must be between 3 and 10000");
        }

        return problems;
    }
}

namespace Warden.Core.Drift;

/// <summary>What a <see cref="DriftAlertRule"/> watches.</summary>
public enum DriftAlertKind
{
    /// <summary>Share of drifted features ≥ threshold.</summary>
    DriftShareAtLeast,

    /// <summary>PSI of a feature (or of any feature when none is named) ≥ threshold; needs PSI in the report.</summary>
    FeaturePsiAtLeast,

    /// <summary>The named feature (or any feature) is flagged as drifted by its test.</summary>
    FeatureDrifted,

    /// <summary>The prediction column is flagged as drifted.</summary>
    PredictionDrifted,

    /// <summary>Reference accuracy − CBPE estimated accuracy of some window ≥ threshold (a fraction: 0.05 = 5 points).</summary>
    EstimatedAccuracyDropAtLeast,

    /// <summary>Reference accuracy − realised accuracy of some labelled window ≥ threshold.</summary>
    RealisedAccuracyDropAtLeast,
}

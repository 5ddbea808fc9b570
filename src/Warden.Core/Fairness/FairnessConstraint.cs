namespace Warden.Core.Fairness;

/// <summary>Constraint enforced by <see cref="ThresholdOptimizer"/>.</summary>
public enum FairnessConstraint
{
    /// <summary>Equal selection rates across groups.</summary>
    DemographicParity,

    /// <summary>Equal true positive and false positive rates across groups (Hardt, Price &amp; Srebro 2016).</summary>
    EqualizedOdds,
}

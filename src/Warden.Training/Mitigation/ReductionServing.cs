namespace Warden.Training.Mitigation;

/// <summary>What an exponentiated-gradient model serves.</summary>
public enum ReductionServing
{
    /// <summary>The randomised mixture that met the constraint (Fairlearn's <c>predict</c>); labels drawn per request id.</summary>
    Mixture,

    /// <summary>The single best response with the lowest training error among those meeting the constraint (|γ| ≤ ε); deterministic.</summary>
    Best,
}

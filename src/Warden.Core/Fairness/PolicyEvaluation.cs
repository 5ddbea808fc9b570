namespace Warden.Core.Fairness;

/// <summary>Result of evaluating a <see cref="FairnessPolicy"/> against a <see cref="FairnessReport"/>.</summary>
/// <param name="Passed">True when every check passed.</param>
/// <param name="Checks">Every check made.</param>
public sealed record PolicyEvaluation(bool Passed, IReadOnlyList<PolicyCheck> Checks)
{
    /// <summary>The failed checks.</summary>
    public IReadOnlyList<PolicyCheck> Failures => Checks.Where(c => !c.Passed).ToList();
}

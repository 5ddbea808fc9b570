namespace Warden.Core.Fairness;

/// <summary>Accuracy and fairness of a decision rule (expected values for randomised rules).</summary>
/// <param name="Accuracy">Overall (weighted) accuracy.</param>
/// <param name="DemographicParityDifference">Max − min selection rate across groups.</param>
/// <param name="EqualizedOddsDifference">max(TPR difference, FPR difference) across groups.</param>
/// <param name="Groups">Per-group outcomes.</param>
public sealed record OutcomeSummary(double? Accuracy, double? DemographicParityDifference, double? EqualizedOddsDifference, IReadOnlyList<GroupOutcome> Groups);

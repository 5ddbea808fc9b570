namespace Warden.Core.Fairness;

/// <summary>Expected outcome of one group under a decision rule.</summary>
/// <param name="Group">Group key.</param>
/// <param name="SelectionRate">Expected P(ŷ=1).</param>
/// <param name="TruePositiveRate">Expected TPR, null without positives.</param>
/// <param name="FalsePositiveRate">Expected FPR, null without negatives.</param>
/// <param name="Accuracy">Expected accuracy.</param>
public sealed record GroupOutcome(string Group, double? SelectionRate, double? TruePositiveRate, double? FalsePositiveRate, double? Accuracy);

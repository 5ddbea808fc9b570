namespace Warden.Training.Mitigation;

/// <summary>
/// Accuracy and fairness of one classifier on the hold-out rows (positive class: deny). For a randomised classifier every
/// value is the exact expectation over its randomisation.
/// </summary>
/// <param name="Accuracy">Share of rows predicted correctly.</param>
/// <param name="Auc">Area under the ROC curve of the classifier's score (ties count one half).</param>
/// <param name="SelectionRate">Group key (e.g. <c>afam=yes</c>) → P(ŷ = deny).</param>
/// <param name="TruePositiveRate">Group key → P(ŷ = deny | deny).</param>
/// <param name="FalsePositiveRate">Group key → P(ŷ = deny | not denied).</param>
/// <param name="DemographicParityDifference">Max − min selection rate across groups (Fairlearn's definition).</param>
/// <param name="EqualizedOddsDifference">max(TPR difference, FPR difference) across groups (Fairlearn's definition).</param>
/// <param name="GroupRows">Group key → rows scored (the group sizes behind the rates).</param>
/// <param name="DemographicParityStandardError">Sampling noise of the DP difference at these group sizes: the standard error
/// √(p̄(1 − p̄)(1/n₁ + 1/n₂)) of the difference between the two groups with the highest and lowest selection rate if both had
/// their pooled rate p̄.</param>
/// <param name="EqualizedOddsStandardError">The same for the TPR difference (n = each group's positives) and the FPR difference
/// (n = negatives), the larger of the two: the noise floor of the EO difference.</param>
public sealed record MitigationMetrics(
    double Accuracy,
    double Auc,
    IReadOnlyDictionary<string, double?> SelectionRate,
    IReadOnlyDictionary<string, double?> TruePositiveRate,
    IReadOnlyDictionary<string, double?> FalsePositiveRate,
    double? DemographicParityDifference,
    double? EqualizedOddsDifference,
    IReadOnlyDictionary<string, int>? GroupRows = null,
    double? DemographicParityStandardError = null,
    double? EqualizedOddsStandardError = null);

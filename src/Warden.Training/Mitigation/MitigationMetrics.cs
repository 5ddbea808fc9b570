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
public sealed record MitigationMetrics(
    double Accuracy,
    double Auc,
    IReadOnlyDictionary<string, double?> SelectionRate,
    IReadOnlyDictionary<string, double?> TruePositiveRate,
    IReadOnlyDictionary<string, double?> FalsePositiveRate,
    double? DemographicParityDifference,
    double? EqualizedOddsDifference);

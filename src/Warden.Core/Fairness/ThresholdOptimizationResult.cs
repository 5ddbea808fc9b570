namespace Warden.Core.Fairness;

/// <summary>Output of <see cref="ThresholdOptimizer.Fit"/>.</summary>
/// <param name="Thresholds">Rules to apply at serving time.</param>
/// <param name="Before">Outcome of the dataset's own predictions.</param>
/// <param name="After">Expected outcome of <paramref name="Thresholds"/> on the same data.</param>
public sealed record ThresholdOptimizationResult(GroupThresholds Thresholds, OutcomeSummary Before, OutcomeSummary After);

namespace Warden.Core.Fairness;

/// <summary>Output of <see cref="Reweighing.Fit"/>.</summary>
/// <param name="Factors">One factor per (group, label) cell.</param>
/// <param name="Weights">New sample weight per row: base weight × factor of its cell.</param>
public sealed record ReweighingResult(IReadOnlyList<ReweighingFactor> Factors, double[] Weights);

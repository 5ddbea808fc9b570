namespace Warden.Core.Fairness;

/// <summary>Weight multiplier of one (group, label) cell.</summary>
/// <param name="Group">Group key.</param>
/// <param name="Label">Label 0 or 1.</param>
/// <param name="Rows">Rows in the cell.</param>
/// <param name="Factor">P(g)·P(y) / P(g, y); null for an empty cell.</param>
public sealed record ReweighingFactor(string Group, int Label, long Rows, double? Factor);

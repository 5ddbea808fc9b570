namespace Warden.Core.Retraining;

/// <summary>Held-out rows of a retraining run scored by the new model.</summary>
/// <param name="Labels">True = positive class.</param>
/// <param name="Scores">P(positive) from the new model.</param>
/// <param name="Sensitive">Sensitive attribute values per row, by attribute name (a row without the value holds null).</param>
public sealed record RetrainHoldout(bool[] Labels, double[] Scores, IReadOnlyDictionary<string, string?[]> Sensitive);

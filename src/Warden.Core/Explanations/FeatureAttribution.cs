namespace Warden.Core.Explanations;

/// <summary>The Shapley value φ of one feature for one explained row.</summary>
/// <param name="Feature">Feature name.</param>
/// <param name="Index">Position of the feature in the model's input row.</param>
/// <param name="Value">The feature's value in the explained row.</param>
/// <param name="Phi">The Shapley value: the feature's share of f(x) − base value.</param>
/// <param name="StandardError">Standard error of <paramref name="Phi"/> from sampling; 0 for the exact method.</param>
/// <param name="Category">For a categorical (STRING) feature, its value in the explained row; <paramref name="Value"/> is then 0.</param>
public sealed record FeatureAttribution(string Feature, int Index, double Value, double Phi, double StandardError, string? Category = null);

namespace Warden.Core.Drift;

/// <summary>One feature's outcome in a stored <see cref="DriftEvaluation"/>: the test, its score (p-value or distance; NaN stored as null) and threshold.</summary>
public sealed record DriftFeatureScore(string Name, string Test, double? Score, double Threshold, bool Drifted);

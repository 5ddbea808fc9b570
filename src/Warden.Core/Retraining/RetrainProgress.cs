namespace Warden.Core.Retraining;

/// <summary>Progress reported by a <see cref="ModelRetrainer"/>.</summary>
/// <param name="Fraction">Share done, 0 to 1.</param>
/// <param name="Phase">What it is doing.</param>
public sealed record RetrainProgress(double Fraction, string Phase);

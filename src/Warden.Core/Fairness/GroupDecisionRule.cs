namespace Warden.Core.Fairness;

/// <summary>
/// Randomised decision of one group, as in Fairlearn's ThresholdOptimizer:
/// P(ŷ=1 | s) = PIgnore·PredictionConstant + (1 − PIgnore)·[P0·1(s &gt; Threshold0) + (1 − P0)·1(s &gt; Threshold1)].
/// Thresholds may be ±∞ (select nobody / everybody).
/// </summary>
/// <param name="Threshold0">First threshold (strict "score &gt; threshold").</param>
/// <param name="Threshold1">Second threshold.</param>
/// <param name="P0">Probability of using <paramref name="Threshold0"/>.</param>
/// <param name="PIgnore">Probability of ignoring the score (equalized odds only).</param>
/// <param name="PredictionConstant">Probability of ŷ=1 when the score is ignored.</param>
public sealed record GroupDecisionRule(double Threshold0, double Threshold1, double P0, double PIgnore = 0, double PredictionConstant = 0)
{
    /// <summary>Probability that a row with this score is predicted positive.</summary>
    public double Probability(double score)
    {
        var thresholded = (P0 * (score > Threshold0 ? 1 : 0)) + ((1 - P0) * (score > Threshold1 ? 1 : 0));
        return (PIgnore * PredictionConstant) + ((1 - PIgnore) * thresholded);
    }
}

namespace Warden.Core.Fairness;

/// <summary>
/// Individual-fairness inequality indices of Speicher et al. (2018), "A Unified Approach to Quantifying Algorithmic
/// Unfairness", KDD, as implemented by AIF360's <c>ClassificationMetric.generalized_entropy_index</c>:
/// benefit b_i = ŷ_i − y_i + 1, μ = mean(b);
/// GE(α) = 1/(n α(α−1)) Σ [(b_i/μ)^α − 1] for α ∉ {0, 1}; GE(1) = Theil = 1/n Σ (b_i/μ) ln(b_i/μ) (0·ln 0 = 0);
/// GE(0) = −1/n Σ ln(b_i/μ). With sample weights, means are weighted (AIF360 ignores weights; identical without them).
/// </summary>
public static class InequalityIndex
{
    /// <summary>Generalised entropy index from a confusion matrix (b = 0 for FN, 1 for TP and TN, 2 for FP); null when undefined.</summary>
    public static double? GeneralizedEntropy(ConfusionCounts counts, double alpha)
    {
        var w0 = counts.FalseNegative;
        var w1 = counts.TruePositive + counts.TrueNegative;
        var w2 = counts.FalsePositive;
        var total = w0 + w1 + w2;
        if (!(total > 0))
        {
            return null;
        }

        var mu = (w1 + (2 * w2)) / total;
        if (!(mu > 0))
        {
            return null;
        }

        double r1 = 1 / mu, r2 = 2 / mu;
        if (alpha == 1)
        {
            return ((w1 * r1 * Math.Log(r1)) + (w2 * r2 * Math.Log(r2))) / total;
        }

        if (alpha == 0)
        {
            return w0 > 0 ? null : -((w1 * Math.Log(r1)) + (w2 * Math.Log(r2))) / total;
        }

        if (alpha < 0 && w0 > 0)
        {
            return null;
        }

        var sum = (w0 * -1) + (w1 * (Math.Pow(r1, alpha) - 1)) + (w2 * (Math.Pow(r2, alpha) - 1));
        return sum / (total * alpha * (alpha - 1));
    }

    /// <summary>Theil index = GE(1).</summary>
    public static double? Theil(ConfusionCounts counts) => GeneralizedEntropy(counts, 1);
}

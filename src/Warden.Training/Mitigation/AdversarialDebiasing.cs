using Warden.Core.Fairness;

namespace Warden.Training.Mitigation;

/// <summary>
/// Adversarial debiasing of Zhang, Lemoine &amp; Mitchell (2018), "Mitigating Unwanted Biases with Adversarial Learning", AIES:
/// a logistic predictor and a logistic adversary that tries to recover the sensitive attribute from the predictor's logit
/// (and the label, for equalized odds) are trained jointly. The adversary descends ∇_φ L_A; the predictor descends
/// ∇_θ L_P − proj_{∇_θ L_A} ∇_θ L_P − α·∇_θ L_A (their eq. 1), so no step helps the adversary and each step hurts it.
/// Gradients are written by hand (<see cref="AdversarialGradients"/>) and the descent is full-batch, so a seed fixes the run.
/// </summary>
internal static class AdversarialDebiasing
{
    public static (LinearClassifier Predictor, double[] Adversary) Fit(
        IReadOnlyList<float[]> x, byte[] y, byte[] a, FairnessConstraint constraint, AdversarialOptions options)
    {
        var gradients = new AdversarialGradients(x, y, a, constraint, options.L2);
        var d = gradients.Features;
        var shuffle = new SeededShuffle(options.Seed);
        // Small seeded initial weights (uniform on ±0.01); the adversary starts at zero.
        var theta = Enumerable.Range(0, d + 1).Select(_ => ((shuffle.Next() >> 11) * (1.0 / (1UL << 53)) - 0.5) * 0.02).ToArray();
        var phi = new double[gradients.AdversaryInputs + 1];
        for (var t = 0; t < options.Steps; t++)
        {
            var decay = Math.Sqrt(1 + (t / 100.0));
            var lr = options.LearningRate / decay;
            var alpha = options.Alpha * decay;
            var (_, _, gp, ga, gphi) = gradients.Evaluate(theta, phi);
            var step = PredictorStep(gp, ga, alpha);
            for (var j = 0; j < theta.Length; j++)
            {
                theta[j] -= lr * step[j];
            }

            for (var k = 0; k < phi.Length; k++)
            {
                phi[k] -= lr * gphi[k];
            }
        }

        return (new LinearClassifier(theta[..d], theta[d]), phi);
    }

    /// <summary>∇L_P − (∇L_P·ĝ)ĝ − α∇L_A with ĝ = ∇L_A/|∇L_A| (no projection when ∇L_A = 0).</summary>
    internal static double[] PredictorStep(double[] gp, double[] ga, double alpha)
    {
        var norm2 = ga.Sum(v => v * v);
        var dot = gp.Zip(ga, (p, q) => p * q).Sum();
        var projection = norm2 > 0 ? dot / norm2 : 0;
        return gp.Select((p, j) => p - (projection * ga[j]) - (alpha * ga[j])).ToArray();
    }
}

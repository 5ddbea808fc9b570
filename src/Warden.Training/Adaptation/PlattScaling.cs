namespace Warden.Training.Adaptation;

/// <summary>
/// Platt scaling: P(y = 1 | s) = σ(A·s + B), fitted by maximum likelihood on a labelled sample with Platt's smoothed targets
/// t₊ = (N₊ + 1)/(N₊ + 2), t₋ = 1/(N₋ + 2) (Platt 1999, "Probabilistic outputs for support vector machines"), solved with
/// Newton's method and backtracking line search as in Lin, Lin &amp; Weng 2007, "A note on Platt's probabilistic outputs for
/// support vector machines", Machine Learning 68. Platt writes 1/(1 + exp(A'f + B')); here A = −A', B = −B'.
/// </summary>
/// <param name="A">Slope on the score.</param>
/// <param name="B">Intercept.</param>
public sealed record PlattScaling(double A, double B)
{
    /// <summary>Fits the two parameters to scores <paramref name="scores"/> (e.g. the logit of a model's probability) and labels.</summary>
    /// <exception cref="ArgumentException">Lengths differ or the sample is empty.</exception>
    public static PlattScaling Fit(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.Count != labels.Count || scores.Count == 0)
        {
            throw new ArgumentException("Scores and labels must be non-empty and of equal length.");
        }

        var positives = labels.Count(y => y);
        var negatives = labels.Count - positives;
        var hiTarget = (positives + 1.0) / (positives + 2.0);
        var loTarget = 1.0 / (negatives + 2.0);
        var t = labels.Select(y => y ? hiTarget : loTarget).ToArray();

        double a = 0, b = Math.Log((positives + 1.0) / (negatives + 1.0));
        var loss = Loss(scores, t, a, b);
        for (var iteration = 0; iteration < 100; iteration++)
        {
            // Gradient and Hessian of the cross-entropy Σ −t log p − (1−t) log(1−p), p = σ(a s + b).
            double g1 = 0, g2 = 0, h11 = 1e-12, h22 = 1e-12, h21 = 0;
            for (var i = 0; i < scores.Count; i++)
            {
                var p = Sigmoid(a * scores[i] + b);
                var d = p - t[i];
                var w = p * (1 - p);
                g1 += d * scores[i];
                g2 += d;
                h11 += w * scores[i] * scores[i];
                h22 += w;
                h21 += w * scores[i];
            }

            if (Math.Abs(g1) < 1e-10 && Math.Abs(g2) < 1e-10)
            {
                break;
            }

            var det = h11 * h22 - h21 * h21;
            var da = -(h22 * g1 - h21 * g2) / det;
            var db = -(-h21 * g1 + h11 * g2) / det;
            var gd = g1 * da + g2 * db;
            var step = 1.0;
            while (step >= 1e-10)
            {
                var newLoss = Loss(scores, t, a + step * da, b + step * db);
                if (newLoss < loss + 1e-4 * step * gd)
                {
                    a += step * da;
                    b += step * db;
                    loss = newLoss;
                    break;
                }

                step /= 2;
            }

            if (step < 1e-10)
            {
                break;
            }
        }

        return new PlattScaling(a, b);
    }

    /// <summary>The calibrated probability of a score.</summary>
    public double Apply(double score) => Sigmoid(A * score + B);

    /// <summary>The natural-log odds of <paramref name="probability"/>, clamped away from 0 and 1; the usual score to calibrate.</summary>
    public static double Logit(double probability)
    {
        var p = Math.Clamp(probability, 1e-12, 1 - 1e-12);
        return Math.Log(p / (1 - p));
    }

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    private static double Loss(IReadOnlyList<double> scores, double[] t, double a, double b)
    {
        double loss = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            // log(1 + e^z) − t·z, written to stay finite for large |z|.
            var z = a * scores[i] + b;
            loss += (z > 0 ? z + double.LogP1(Math.Exp(-z)) : double.LogP1(Math.Exp(z))) - t[i] * z;
        }

        return loss;
    }
}

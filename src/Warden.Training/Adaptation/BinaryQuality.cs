using Warden.Core.Drift;
namespace Warden.Training.Adaptation;

/// <summary>
/// Quality of probabilistic binary predictions on one labelled sample. Computed here rather than by ML.NET's evaluator
/// because recalibrated probabilities (<see cref="PlattScaling"/>, <see cref="IsotonicCalibration"/>) never pass through an ML.NET pipeline.
/// </summary>
/// <param name="Auc">ROC AUC as the Mann–Whitney statistic (Hanley &amp; McNeil 1982): P(score of a positive &gt; score of a negative), ties ½.</param>
/// <param name="Accuracy">Share of rows whose label equals (probability &gt; 0.5).</param>
/// <param name="LogLoss">Mean −log₂ of the probability of the true label, in bits as ML.NET reports it; probabilities clamped to [1e-15, 1 − 1e-15].</param>
/// <param name="Brier">Mean squared difference between probability and label (Brier 1950).</param>
/// <param name="Ece">Expected calibration error with 10 equal-width bins (Naeini, Cooper &amp; Hauskrecht 2015; Guo et al. 2017): Σ_b (n_b/n)·|mean label_b − mean probability_b|.</param>
/// <param name="Rows">Rows evaluated.</param>
/// <param name="Positives">Rows with a true label.</param>
public sealed record BinaryQuality(double Auc, double Accuracy, double LogLoss, double Brier, double Ece, int Rows, int Positives)
{
    /// <summary>Bins used by <see cref="Ece"/>.</summary>
    public const int CalibrationBins = 10;

    private const double Epsilon = 1e-15;

    /// <summary>Scores <paramref name="probabilities"/> against <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentException">Lengths differ, the sample is empty, or it holds only one class (AUC undefined).</exception>
    public static BinaryQuality Compute(IReadOnlyList<bool> labels, IReadOnlyList<double> probabilities)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(probabilities);
        if (labels.Count != probabilities.Count)
        {
            throw new ArgumentException($"{labels.Count} labels but {probabilities.Count} probabilities.", nameof(probabilities));
        }

        var n = labels.Count;
        var positives = labels.Count(y => y);
        if (positives == 0 || positives == n)
        {
            throw new ArgumentException("Both classes must occur for AUC to be defined.", nameof(labels));
        }

        double correct = 0, logLoss = 0, brier = 0;
        var binCount = new int[CalibrationBins];
        var binLabel = new double[CalibrationBins];
        var binProbability = new double[CalibrationBins];
        for (var i = 0; i < n; i++)
        {
            var p = probabilities[i];
            var y = labels[i] ? 1.0 : 0.0;
            correct += (p > 0.5) == labels[i] ? 1 : 0;
            var clamped = Math.Clamp(p, Epsilon, 1 - Epsilon);
            logLoss -= Math.Log2(labels[i] ? clamped : 1 - clamped);
            brier += (p - y) * (p - y);
            var bin = Math.Min((int)Math.Floor(p * CalibrationBins), CalibrationBins - 1);
            binCount[bin]++;
            binLabel[bin] += y;
            binProbability[bin] += p;
        }

        double ece = 0;
        for (var b = 0; b < CalibrationBins; b++)
        {
            if (binCount[b] > 0)
            {
                ece += Math.Abs(binLabel[b] - binProbability[b]) / n;
            }
        }

        return new BinaryQuality(ClassificationMetrics.RocAuc(probabilities.ToArray(), labels.ToArray()), correct / n, logLoss / n, brier / n, ece, n, positives);
    }
}

namespace Warden.Core.Drift;

/// <summary>Binary confusion matrix; cells are counts, or expected counts when estimated by CBPE.</summary>
public sealed record ConfusionMatrix(double TruePositive, double FalsePositive, double TrueNegative, double FalseNegative)
{
    /// <summary>Total rows.</summary>
    public double Total => TruePositive + FalsePositive + TrueNegative + FalseNegative;

    /// <summary>(TP + TN) / total.</summary>
    public double Accuracy => Total == 0 ? double.NaN : (TruePositive + TrueNegative) / Total;

    /// <summary>TP / (TP + FP).</summary>
    public double Precision => TruePositive + FalsePositive == 0 ? double.NaN : TruePositive / (TruePositive + FalsePositive);

    /// <summary>TP / (TP + FN).</summary>
    public double Recall => TruePositive + FalseNegative == 0 ? double.NaN : TruePositive / (TruePositive + FalseNegative);

    /// <summary>Harmonic mean of precision and recall, 2TP / (2TP + FP + FN).</summary>
    public double F1 => (2 * TruePositive) + FalsePositive + FalseNegative == 0
        ? double.NaN
        : 2 * TruePositive / ((2 * TruePositive) + FalsePositive + FalseNegative);

    /// <summary>Counts the realised matrix of predictions score ≥ threshold against labels.</summary>
    public static ConfusionMatrix FromLabels(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, double threshold)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException("Scores and labels must have the same length.");
        }

        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int k = 0; k < scores.Length; k++)
        {
            bool predicted = scores[k] >= threshold;
            if (predicted)
            {
                if (labels[k])
                {
                    tp++;
                }
                else
                {
                    fp++;
                }
            }
            else if (labels[k])
            {
                fn++;
            }
            else
            {
                tn++;
            }
        }

        return new ConfusionMatrix(tp, fp, tn, fn);
    }
}

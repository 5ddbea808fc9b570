namespace Warden.Core.Drift;

/// <summary>Realised quality of a binary classifier's positive-class scores once labels are known.</summary>
public static class ClassificationMetrics
{
    /// <summary>Probability clip for log-loss, as scikit-learn's historical <c>eps=1e-15</c>.</summary>
    public const double LogLossEpsilon = 1e-15;

    /// <summary>Share of rows where (score ≥ threshold) equals the label.</summary>
    public static double Accuracy(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, double threshold = 0.5) =>
        ConfusionMatrix.FromLabels(scores, labels, threshold).Accuracy;

    /// <summary>
    /// Area under the ROC curve via the Mann–Whitney statistic with mid-ranks for ties (Hanley &amp; McNeil 1982):
    /// AUC = (R₊ − n₊(n₊+1)/2) / (n₊ n₋), R₊ the rank sum of positives. A tied positive/negative pair counts ½, which
    /// equals the trapezoidal area of scikit-learn's <c>roc_auc_score</c>. NaN when a class is absent.
    /// </summary>
    public static double RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException("Scores and labels must have the same length.");
        }

        int n = scores.Length;
        var order = new int[n];
        var keys = scores.ToArray();
        for (int k = 0; k < n; k++)
        {
            order[k] = k;
        }

        Array.Sort(keys, order);
        double positiveRankSum = 0;
        long positives = 0;
        int start = 0;
        while (start < n)
        {
            int end = start;
            while (end + 1 < n && keys[end + 1] == keys[start])
            {
                end++;
            }

            double midRank = ((start + end) / 2.0) + 1.0;
            for (int k = start; k <= end; k++)
            {
                if (labels[order[k]])
                {
                    positiveRankSum += midRank;
                    positives++;
                }
            }

            start = end + 1;
        }

        long negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        return (positiveRankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    /// <summary>Mean binary cross-entropy −(1/n) Σ [y ln p + (1−y) ln(1−p)], p clipped to [1e−15, 1 − 1e−15].</summary>
    public static double LogLoss(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> labels)
    {
        if (probabilities.Length != labels.Length || probabilities.IsEmpty)
        {
            throw new ArgumentException("Probabilities and labels must be non-empty and of the same length.");
        }

        double sum = 0;
        for (int k = 0; k < probabilities.Length; k++)
        {
            double p = Math.Clamp(probabilities[k], LogLossEpsilon, 1 - LogLossEpsilon);
            sum -= labels[k] ? Math.Log(p) : Math.Log(1 - p);
        }

        return sum / probabilities.Length;
    }

    /// <summary>
    /// Expected calibration error over equal-width probability bins (Naeini, Cooper &amp; Hauskrecht 2015;
    /// Guo et al. 2017), in its binary form: ECE = Σ_b (n_b/n) |mean(y)_b − mean(p)_b| with p the positive-class
    /// probability and bin b = min(⌊p·B⌋, B−1), so p = 1 falls in the last bin.
    /// </summary>
    public static double ExpectedCalibrationError(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> labels, int bins = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        if (probabilities.Length != labels.Length || probabilities.IsEmpty)
        {
            throw new ArgumentException("Probabilities and labels must be non-empty and of the same length.");
        }

        var count = new long[bins];
        var sumP = new double[bins];
        var sumY = new double[bins];
        for (int k = 0; k < probabilities.Length; k++)
        {
            double p = Math.Clamp(probabilities[k], 0, 1);
            int b = Math.Min((int)(p * bins), bins - 1);
            count[b]++;
            sumP[b] += p;
            sumY[b] += labels[k] ? 1 : 0;
        }

        double ece = 0;
        for (int b = 0; b < bins; b++)
        {
            if (count[b] > 0)
            {
                ece += Math.Abs(sumY[b] - sumP[b]) / probabilities.Length;
            }
        }

        return ece;
    }
}

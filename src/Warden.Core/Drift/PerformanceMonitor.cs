namespace Warden.Core.Drift;

/// <summary>Cuts analysed predictions into fixed-size chunks (NannyML's size-based chunking) and scores each.</summary>
public static class PerformanceMonitor
{
    /// <summary>
    /// Estimates every chunk with <paramref name="estimator"/> and, for rows whose label is known (non-null), computes
    /// realised accuracy, ROC AUC, log-loss and ECE of the calibrated probabilities. The last chunk may be shorter.
    /// </summary>
    public static PerformanceReport Evaluate(ConfidenceBasedPerformanceEstimator estimator, ReadOnlySpan<double> scores, ReadOnlySpan<bool?> labels, int chunkSize, int calibrationBins = 10)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        if (!labels.IsEmpty && labels.Length != scores.Length)
        {
            throw new ArgumentException("Labels must be empty or as long as scores.");
        }

        var windows = new List<PerformanceWindow>();
        long allTp = 0, allTn = 0, allLabelled = 0;
        for (int start = 0, index = 0; start < scores.Length; start += chunkSize, index++)
        {
            int count = Math.Min(chunkSize, scores.Length - start);
            var chunk = scores.Slice(start, count);
            var window = new PerformanceWindow { Index = index, Start = start, Count = count, Estimated = estimator.Estimate(chunk) };
            if (!labels.IsEmpty)
            {
                window = WithRealised(window, estimator, chunk, labels.Slice(start, count), calibrationBins);
                if (window.Realised is { } r)
                {
                    allTp += (long)r.TruePositive;
                    allTn += (long)r.TrueNegative;
                    allLabelled += window.LabelledCount;
                }
            }

            windows.Add(window);
        }

        return new PerformanceReport
        {
            Threshold = estimator.Threshold,
            Calibrated = estimator.Calibrator is not null,
            ReferenceAccuracy = estimator.Reference.Accuracy,
            ReferenceRocAuc = estimator.ReferenceRocAuc,
            EstimatedAccuracy = estimator.Estimate(scores).Accuracy,
            RealisedAccuracy = allLabelled > 0 ? (double)(allTp + allTn) / allLabelled : null,
            Windows = windows,
        };
    }

    private static PerformanceWindow WithRealised(PerformanceWindow window, ConfidenceBasedPerformanceEstimator estimator, ReadOnlySpan<double> scores, ReadOnlySpan<bool?> labels, int bins)
    {
        var s = new List<double>(scores.Length);
        var p = new List<double>(scores.Length);
        var y = new List<bool>(scores.Length);
        for (int k = 0; k < scores.Length; k++)
        {
            if (labels[k] is { } label)
            {
                s.Add(scores[k]);
                p.Add(estimator.Probability(scores[k]));
                y.Add(label);
            }
        }

        if (y.Count == 0)
        {
            return window;
        }

        var ys = y.ToArray();
        var ps = p.ToArray();
        double auc = ClassificationMetrics.RocAuc(s.ToArray(), ys);
        return window with
        {
            LabelledCount = ys.Length,
            Realised = ConfusionMatrix.FromLabels(s.ToArray(), ys, estimator.Threshold),
            RocAuc = double.IsNaN(auc) ? null : auc,
            LogLoss = ClassificationMetrics.LogLoss(ps, ys),
            ExpectedCalibrationError = ClassificationMetrics.ExpectedCalibrationError(ps, ys, bins),
        };
    }
}

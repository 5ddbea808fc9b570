using Warden.Core.Drift;

namespace Warden.Core.Monitoring;

/// <summary>Quality metrics a challenger is compared on (binary classification, positive class = 1).</summary>
public static class RolloutMetrics
{
    /// <summary>Supported metric names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["accuracy", "precision", "recall", "roc_auc"];

    /// <summary>
    /// Computes <paramref name="metric"/>: accuracy = (TP+TN)/n, precision = TP/(TP+FP), recall = TP/(TP+FN), roc_auc by
    /// <see cref="ClassificationMetrics.RocAuc"/> on the scores. Null when undefined (zero denominator, one class, no scores).
    /// </summary>
    public static double? Compute(string metric, IReadOnlyList<double> scores, IReadOnlyList<bool> predicted, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(labels);
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            if (predicted[i])
            {
                _ = labels[i] ? tp++ : fp++;
            }
            else
            {
                _ = labels[i] ? fn++ : tn++;
            }
        }

        return metric switch
        {
            "accuracy" => labels.Count == 0 ? null : (double)(tp + tn) / labels.Count,
            "precision" => tp + fp == 0 ? null : (double)tp / (tp + fp),
            "recall" => tp + fn == 0 ? null : (double)tp / (tp + fn),
            "roc_auc" => tp + fn == 0 || tn + fp == 0 || scores is null || scores.Any(double.IsNaN) ? null
                : ClassificationMetrics.RocAuc(scores.ToArray(), labels.ToArray()),
            _ => throw new ArgumentException($"unknown metric '{metric}'", nameof(metric)),
        };
    }
}

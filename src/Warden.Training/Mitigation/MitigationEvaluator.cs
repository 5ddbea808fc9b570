using Warden.Core.Drift;
using Warden.Core.Fairness;

namespace Warden.Training.Mitigation;

/// <summary>
/// Scores a classifier on labelled rows with <see cref="FairnessAnalyzer"/>. A row predicted positive with probability p
/// (0 &lt; p &lt; 1) enters the analysis twice, as a positive prediction of weight p and a negative one of weight 1 − p, so the
/// weighted confusion matrices are the exact expectations of the randomised classifier.
/// </summary>
internal static class MitigationEvaluator
{
    /// <summary>Metrics of a classifier that predicts positive with <paramref name="positiveProbability"/>[i] and scores <paramref name="score"/>[i].</summary>
    /// <param name="labels">True labels (deny).</param>
    /// <param name="group">Raw afam value per row (yes / no); group keys become afam=yes / afam=no.</param>
    /// <param name="positiveProbability">P(ŷ = 1) per row: 0 or 1 for a deterministic classifier.</param>
    /// <param name="score">Score for the AUC.</param>
    /// <param name="attribute">Name of the sensitive column the groups come from.</param>
    public static MitigationMetrics Evaluate(IReadOnlyList<bool> labels, IReadOnlyList<string> group, IReadOnlyList<double> positiveProbability,
        IReadOnlyList<double> score, string attribute = HmdaDataset.SensitiveAttribute)
    {
        var y = new List<byte>();
        var predicted = new List<byte>();
        var weights = new List<double>();
        var groups = new List<string>();
        for (var i = 0; i < labels.Count; i++)
        {
            var p = positiveProbability[i];
            foreach (var (prediction, weight) in new[] { ((byte)1, p), ((byte)0, 1 - p) })
            {
                if (weight > 0)
                {
                    y.Add(labels[i] ? (byte)1 : (byte)0);
                    predicted.Add(prediction);
                    weights.Add(weight);
                    groups.Add(group[i]);
                }
            }
        }

        var data = FairnessDataset.Create(y.ToArray(), predicted.ToArray(), [new(attribute, groups.ToArray())],
            weights: weights.ToArray());
        var report = FairnessAnalyzer.Analyze(data, new FairnessOptions { BootstrapResamples = 0, MinGroupSize = 1 });
        var section = report.Section(attribute)!;
        var keys = section.Groups.Select(g => g.Key).ToArray();
        var rows = keys.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);
        var positives = keys.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
        {
            var key = attribute + "=" + group[i];
            rows[key]++;
            positives[key] += labels[i] ? 1 : 0;
        }

        var selection = section.Groups.ToDictionary(g => g.Key, g => g.SelectionRate.Value);
        var tpr = section.Groups.ToDictionary(g => g.Key, g => g.TruePositiveRate.Value);
        var fpr = section.Groups.ToDictionary(g => g.Key, g => g.FalsePositiveRate.Value);
        var negatives = rows.ToDictionary(r => r.Key, r => r.Value - positives[r.Key], StringComparer.Ordinal);
        var eoNoise = new[] { DifferenceStandardError(tpr, positives), DifferenceStandardError(fpr, negatives) }.Where(v => v is not null).Max();
        return new MitigationMetrics(
            report.Overall.Accuracy.Value ?? double.NaN,
            ClassificationMetrics.RocAuc(score.ToArray(), labels.ToArray()),
            section.Groups.ToDictionary(g => g.Key, g => g.SelectionRate.Value),
            section.Groups.ToDictionary(g => g.Key, g => g.TruePositiveRate.Value),
            section.Groups.ToDictionary(g => g.Key, g => g.FalsePositiveRate.Value),
            section.Find("demographic_parity_difference")?.Value,
            section.Find("equalized_odds_difference")?.Value,
            rows,
            DifferenceStandardError(selection, rows),
            eoNoise);
    }

    /// <summary>
    /// √(p̄(1 − p̄)(1/n₁ + 1/n₂)) for the groups with the highest and lowest <paramref name="rate"/>, p̄ their pooled rate: the
    /// standard error of the difference of two proportions measured on n₁ and n₂ rows if both groups had the same rate.
    /// </summary>
    internal static double? DifferenceStandardError(IReadOnlyDictionary<string, double?> rate, IReadOnlyDictionary<string, int> count)
    {
        var defined = rate.Where(r => r.Value is not null && count[r.Key] > 0).OrderBy(r => r.Value!.Value).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        if (defined.Count < 2)
        {
            return null;
        }

        var (low, high) = (defined[0], defined[^1]);
        double n1 = count[low.Key], n2 = count[high.Key];
        var pooled = ((low.Value!.Value * n1) + (high.Value!.Value * n2)) / (n1 + n2);
        return Math.Sqrt(pooled * (1 - pooled) * ((1 / n1) + (1 / n2)));
    }
}

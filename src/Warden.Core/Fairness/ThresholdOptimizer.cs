namespace Warden.Core.Fairness;

/// <summary>
/// Post-processing of Hardt, Price &amp; Srebro (2016), "Equality of Opportunity in Supervised Learning", NeurIPS,
/// following Fairlearn's <c>ThresholdOptimizer</c> (objective accuracy, <c>flip=False</c>, <c>grid_size</c> 1000):
/// per group, the upper convex hull of ROC points of "score &gt; t";
/// demographic parity: for each selection rate x on a grid, each group's best accuracy at selection x is interpolated on its hull,
/// and the x maximising Σ_g P(g)·accuracy_g(x) is chosen;
/// equalized odds: for each FPR x on the grid, the common TPR is min_g TPR_g(x) and the x maximising P(y=1)·TPR + P(y=0)·(1 − x)
/// is chosen; a group whose hull lies above that point randomises with a constant predictor (probability x) with probability
/// p_ignore = (TPR_g − TPR*)/(TPR_g − x). Groups are the intersection of all sensitive features.
/// </summary>
public static class ThresholdOptimizer
{
    /// <summary>Finds per-group randomised thresholds on <paramref name="data"/> (which must carry scores).</summary>
    public static ThresholdOptimizationResult Fit(FairnessDataset data, FairnessConstraint constraint, int gridSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(data);
        var scores = data.ScoreArray ?? throw new ArgumentException("Threshold optimisation needs scores.", nameof(data));
        ArgumentOutOfRangeException.ThrowIfLessThan(gridSize, 1);
        var part = GroupPartition.Build(data.SensitiveFeatures);
        var rows = Enumerable.Range(0, part.GroupCount).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < data.RowCount; i++)
        {
            rows[part.Codes[i]].Add(i);
        }

        var hulls = rows.Select(r => RocHull.Build(scores, data.LabelArray, data.WeightArray, r)).ToArray();
        var total = hulls.Sum(h => h.Total);
        var positives = hulls.Sum(h => h.Positives);
        var rules = new Dictionary<string, GroupDecisionRule>(StringComparer.Ordinal);
        var bestValue = double.NegativeInfinity;
        var bestX = 0.0;
        for (var k = 0; k <= gridSize; k++)
        {
            var x = (double)k / gridSize;
            double objective;
            if (constraint == FairnessConstraint.DemographicParity)
            {
                objective = 0;
                foreach (var h in hulls)
                {
                    var (i, p0) = h.Locate(x, h.Selection);
                    objective += h.Total / total * h.Interpolate(i, p0, h.Accuracy);
                }
            }
            else
            {
                var common = hulls.Min(h => TprAt(h, x));
                objective = (positives / total * common) + ((total - positives) / total * (1 - x));
            }

            // Strictly greater keeps the first maximiser, as numpy's argmax does.
            if (objective > bestValue)
            {
                bestValue = objective;
                bestX = x;
            }
        }

        var bestTpr = constraint == FairnessConstraint.EqualizedOdds ? hulls.Min(h => TprAt(h, bestX)) : 0;
        for (var g = 0; g < hulls.Length; g++)
        {
            var h = hulls[g];
            if (constraint == FairnessConstraint.DemographicParity)
            {
                var (i, p0) = h.Locate(bestX, h.Selection);
                rules[part.GroupKey(g)] = h.Rule(i, p0);
            }
            else
            {
                var (i, p0) = h.Locate(bestX, v => v.Fpr);
                var tpr = h.Interpolate(i, p0, v => v.Tpr);
                var pIgnore = tpr > bestTpr && tpr > bestX ? (tpr - bestTpr) / (tpr - bestX) : 0;
                rules[part.GroupKey(g)] = h.Rule(i, p0, pIgnore, bestX);
            }
        }

        var thresholds = new GroupThresholds { Constraint = constraint, Features = part.Features, Rules = rules };
        var keys = Enumerable.Range(0, part.GroupCount).Select(part.GroupKey).ToArray();
        var before = Summarise(data, part, keys, i => data.PredictionArray[i]);
        var after = Summarise(data, part, keys, i => rules[keys[part.Codes[i]]].Probability(scores[i]));
        return new ThresholdOptimizationResult(thresholds, before, after);
    }

    private static double TprAt(RocHull h, double fpr)
    {
        var (i, p0) = h.Locate(fpr, v => v.Fpr);
        return h.Interpolate(i, p0, v => v.Tpr);
    }

    /// <summary>Expected confusion matrices when row i is predicted positive with probability <paramref name="probability"/>(i).</summary>
    internal static OutcomeSummary Summarise(FairnessDataset data, GroupPartition part, string[] keys, Func<int, double> probability)
    {
        var cells = new double[part.GroupCount * 4];
        for (var i = 0; i < data.RowCount; i++)
        {
            var w = data.WeightArray is null ? 1.0 : data.WeightArray[i];
            var p = probability(i);
            var o = (part.Codes[i] * 4) + (data.LabelArray[i] * 2);
            cells[o] += w * (1 - p);
            cells[o + 1] += w * p;
        }

        var groups = Enumerable.Range(0, part.GroupCount).Select(g => ConfusionCounts.FromCells(cells, 4 * g)).ToArray();
        var overall = groups.Aggregate(default(ConfusionCounts), (a, b) => a + b);
        var outcomes = groups.Select((c, g) => new GroupOutcome(keys[g], c.Rate(FairnessMetric.SelectionRate), c.Rate(FairnessMetric.TruePositiveRate),
            c.Rate(FairnessMetric.FalsePositiveRate), c.Rate(FairnessMetric.Accuracy))).ToList();
        var judged = Enumerable.Repeat(true, groups.Length).ToArray();
        var names = DisparityCalculator.Names(false);
        var values = new double[names.Count];
        DisparityCalculator.Compute(groups, judged, -1, values);
        return new OutcomeSummary(overall.Rate(FairnessMetric.Accuracy), Defined(values[0]), Defined(values[2]), outcomes);

        static double? Defined(double v) => double.IsNaN(v) ? null : v;
    }
}

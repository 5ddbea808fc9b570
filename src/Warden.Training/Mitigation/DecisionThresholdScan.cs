using Warden.Core.Fairness;

namespace Warden.Training.Mitigation;

/// <summary>
/// Accuracy and disparity of the rule "ŷ = 1 when z &gt; τ" on a set of rows, for τ = 0 or for the best τ: the scan sorts the
/// logits once and moves τ down past one distinct logit at a time, keeping per (group, label) counts of predicted positives, so
/// every non-constant rule is scored in O(n log n). Disparities are Fairlearn's between the two groups a = 0 and a = 1
/// (demographic parity: selection rates; equalized odds: the larger of the TPR and FPR differences, a label that one group
/// lacks skipped), as <see cref="AdversaryWeightSearch.Disparity"/>.
/// </summary>
internal static class DecisionThresholdScan
{
    /// <summary>A threshold τ on the logit and the accuracy and disparity of "z &gt; τ" on the rows scanned.</summary>
    internal readonly record struct Point(double Threshold, double Accuracy, double Disparity);

    /// <summary>The rule z &gt; 0 (the predictor's own decision).</summary>
    public static Point AtZero(IReadOnlyList<double> z, IReadOnlyList<byte> y, IReadOnlyList<byte> a, FairnessConstraint constraint)
    {
        var counts = new Counts(y, a);
        for (var i = 0; i < z.Count; i++)
        {
            if (z[i] > 0)
            {
                counts.Add(y[i], a[i]);
            }
        }

        return new Point(0, counts.Accuracy, counts.Disparity(constraint));
    }

    /// <summary>
    /// The threshold whose rule is the most accurate among the non-constant rules with disparity at most
    /// <paramref name="target"/> (the one nearest 0 on a tie), or the least disparate non-constant rule (the more accurate on a
    /// tie) when none reaches it. Thresholds lie halfway between consecutive distinct logits. With fewer than two distinct
    /// logits there is no non-constant rule to move to, and the rule z &gt; 0 is returned.
    /// </summary>
    public static Point Best(IReadOnlyList<double> z, IReadOnlyList<byte> y, IReadOnlyList<byte> a, FairnessConstraint constraint, double target)
    {
        var order = Enumerable.Range(0, z.Count).OrderByDescending(i => z[i]).ToArray();
        var counts = new Counts(y, a);
        Point? best = null;
        var r = 0;
        while (r < order.Length)
        {
            var value = z[order[r]];
            while (r < order.Length && z[order[r]] == value)
            {
                counts.Add(y[order[r]], a[order[r]]);
                r++;
            }

            if (r == order.Length)
            {
                break;
            }

            var point = new Point((value + z[order[r]]) / 2, counts.Accuracy, counts.Disparity(constraint));
            if (best is not { } b || Better(point, b, target))
            {
                best = point;
            }
        }

        return best ?? AtZero(z, y, a, constraint);
    }

    // Feasible beats infeasible; among feasible the more accurate, then the threshold nearer 0; among infeasible the less
    // disparate, then the more accurate.
    private static bool Better(Point p, Point q, double target)
    {
        bool pOk = p.Disparity <= target, qOk = q.Disparity <= target;
        if (pOk != qOk)
        {
            return pOk;
        }

        if (pOk)
        {
            return p.Accuracy > q.Accuracy || (p.Accuracy == q.Accuracy && Math.Abs(p.Threshold) < Math.Abs(q.Threshold));
        }

        return p.Disparity < q.Disparity || (p.Disparity == q.Disparity && p.Accuracy > q.Accuracy);
    }

    // Rows per (group, label) and predicted positives per (group, label); index 2·a + y.
    private sealed class Counts
    {
        private readonly int[] rows = new int[4];
        private readonly int[] positives = new int[4];
        private readonly int total;

        public Counts(IReadOnlyList<byte> y, IReadOnlyList<byte> a)
        {
            for (var i = 0; i < y.Count; i++)
            {
                rows[(2 * a[i]) + y[i]]++;
            }

            total = y.Count;
        }

        public void Add(byte y, byte a) => positives[(2 * a) + y]++;

        // Correct = predicted positives with y = 1 plus rows with y = 0 not predicted positive.
        public double Accuracy => (positives[1] + positives[3] + (rows[0] - positives[0]) + (rows[2] - positives[2])) / (double)total;

        public double Disparity(FairnessConstraint constraint)
        {
            if (constraint == FairnessConstraint.DemographicParity)
            {
                int n0 = rows[0] + rows[1], n1 = rows[2] + rows[3];
                return n0 == 0 || n1 == 0 ? 0 : Math.Abs(((positives[2] + positives[3]) / (double)n1) - ((positives[0] + positives[1]) / (double)n0));
            }

            var worst = 0.0;
            for (var label = 0; label < 2; label++)
            {
                if (rows[label] > 0 && rows[2 + label] > 0)
                {
                    worst = Math.Max(worst, Math.Abs((positives[2 + label] / (double)rows[2 + label]) - (positives[label] / (double)rows[label])));
                }
            }

            return worst;
        }
    }
}

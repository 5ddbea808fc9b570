namespace Warden.Core.Fairness;

/// <summary>
/// Upper convex hull of a group's ROC points for the rules "score &gt; t" (t over the distinct scores, plus −∞).
/// Every point under the hull is reachable by mixing the two thresholds of a hull segment (Provost &amp; Fawcett 2001).
/// </summary>
internal sealed class RocHull
{
    private RocHull(List<(double Fpr, double Tpr, double Threshold)> vertices, double positives, double negatives)
    {
        Vertices = vertices;
        Positives = positives;
        Negatives = negatives;
    }

    internal List<(double Fpr, double Tpr, double Threshold)> Vertices { get; }

    internal double Positives { get; }

    internal double Negatives { get; }

    internal double Total => Positives + Negatives;

    internal static RocHull Build(double[] scores, byte[] labels, double[]? weights, List<int> rows)
    {
        var keys = new double[rows.Count];
        var ordered = rows.ToArray();
        for (var j = 0; j < ordered.Length; j++)
        {
            keys[j] = -scores[ordered[j]];
        }

        Array.Sort(keys, ordered);
        double p = 0, n = 0;
        foreach (var i in ordered)
        {
            var w = weights is null ? 1.0 : weights[i];
            if (labels[i] == 1)
            {
                p += w;
            }
            else
            {
                n += w;
            }
        }

        if (!(p + n > 0))
        {
            throw new ArgumentException("A group has zero total weight.");
        }

        var points = new List<(double, double, double)> { (0, 0, scores[ordered[0]]) };
        double tp = 0, fp = 0;
        for (var k = 0; k < ordered.Length;)
        {
            var s = scores[ordered[k]];
            while (k < ordered.Length && scores[ordered[k]] == s)
            {
                var i = ordered[k++];
                var w = weights is null ? 1.0 : weights[i];
                if (labels[i] == 1)
                {
                    tp += w;
                }
                else
                {
                    fp += w;
                }
            }

            var threshold = k < ordered.Length ? scores[ordered[k]] : double.NegativeInfinity;
            // A group without positives (negatives) has no TPR (FPR); placing its points on the diagonal makes the
            // rate equal to the selection rate, which keeps the hull and the interpolation well defined.
            var tpr = p > 0 ? tp / p : fp / n;
            var fpr = n > 0 ? fp / n : tp / p;
            points.Add((fpr, tpr, threshold));
        }

        var hull = new List<(double Fpr, double Tpr, double Threshold)>();
        foreach (var pt in points)
        {
            while (hull.Count >= 2 && Cross(hull[^2], hull[^1], pt) >= 0)
            {
                hull.RemoveAt(hull.Count - 1);
            }

            hull.Add(pt);
        }

        return new RocHull(hull, p, n);
    }

    /// <summary>Selection rate of a hull point.</summary>
    internal double Selection((double Fpr, double Tpr, double Threshold) v) => ((Positives * v.Tpr) + (Negatives * v.Fpr)) / Total;

    /// <summary>Accuracy of a hull point.</summary>
    internal double Accuracy((double Fpr, double Tpr, double Threshold) v) => ((Positives * v.Tpr) + (Negatives * (1 - v.Fpr))) / Total;

    /// <summary>
    /// Segment of the hull containing coordinate <paramref name="x"/> (FPR or selection rate, both non-decreasing along the hull)
    /// and the weight of its first vertex; at a vertical step the upper vertex is chosen.
    /// </summary>
    internal (int Index, double P0) Locate(double x, Func<(double Fpr, double Tpr, double Threshold), double> coordinate)
    {
        for (var i = 0; i < Vertices.Count - 1; i++)
        {
            double a = coordinate(Vertices[i]), b = coordinate(Vertices[i + 1]);
            if (b > a && x >= a && x <= b)
            {
                return (i, (b - x) / (b - a));
            }
        }

        return (Vertices.Count - 1, 1);
    }

    internal double Interpolate(int index, double p0, Func<(double Fpr, double Tpr, double Threshold), double> value) =>
        index >= Vertices.Count - 1 ? value(Vertices[^1]) : (p0 * value(Vertices[index])) + ((1 - p0) * value(Vertices[index + 1]));

    internal GroupDecisionRule Rule(int index, double p0, double pIgnore = 0, double constant = 0) =>
        index >= Vertices.Count - 1
            ? new GroupDecisionRule(Vertices[^1].Threshold, Vertices[^1].Threshold, 1, pIgnore, constant)
            : new GroupDecisionRule(Vertices[index].Threshold, Vertices[index + 1].Threshold, p0, pIgnore, constant);

    private static double Cross((double X, double Y, double T) o, (double X, double Y, double T) a, (double X, double Y, double T) b) =>
        ((a.X - o.X) * (b.Y - o.Y)) - ((a.Y - o.Y) * (b.X - o.X));
}

namespace Warden.Training.Adaptation;

/// <summary>
/// Isotonic-regression calibration (Zadrozny &amp; Elkan 2002, "Transforming classifier scores into accurate multiclass
/// probability estimates", KDD): the non-decreasing step function of the score that minimises squared error to the labels,
/// found with the pool-adjacent-violators algorithm (Ayer et al. 1955; Barlow et al. 1972). Rows with equal scores are
/// pooled first. Between fitted scores the function is interpolated linearly and outside them it is held constant, as
/// scikit-learn's <c>IsotonicRegression(out_of_bounds="clip")</c> does.
/// </summary>
public sealed class IsotonicCalibration
{
    private IsotonicCalibration(double[] thresholds, double[] values)
    {
        Thresholds = thresholds;
        Values = values;
    }

    /// <summary>Distinct fitted scores, ascending.</summary>
    public IReadOnlyList<double> Thresholds { get; }

    /// <summary>The fitted (non-decreasing) probability at each threshold.</summary>
    public IReadOnlyList<double> Values { get; }

    /// <summary>Fits the calibration map to <paramref name="scores"/> and <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentException">Lengths differ or the sample is empty.</exception>
    public static IsotonicCalibration Fit(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.Count != labels.Count || scores.Count == 0)
        {
            throw new ArgumentException("Scores and labels must be non-empty and of equal length.");
        }

        // One point per distinct score: its mean label, weighted by its count.
        var points = Enumerable.Range(0, scores.Count)
            .GroupBy(i => scores[i])
            .OrderBy(g => g.Key)
            .Select(g => (X: g.Key, Y: g.Average(i => labels[i] ? 1.0 : 0.0), W: (double)g.Count()))
            .ToArray();

        // Pool adjacent violators: a stack of blocks with non-decreasing means.
        var mean = new List<double>();
        var weight = new List<double>();
        var size = new List<int>();
        foreach (var (_, y, w) in points)
        {
            mean.Add(y);
            weight.Add(w);
            size.Add(1);
            while (mean.Count > 1 && mean[^2] > mean[^1])
            {
                var total = weight[^2] + weight[^1];
                var pooled = (mean[^2] * weight[^2] + mean[^1] * weight[^1]) / total;
                var merged = size[^2] + size[^1];
                mean.RemoveAt(mean.Count - 1);
                weight.RemoveAt(weight.Count - 1);
                size.RemoveAt(size.Count - 1);
                mean[^1] = pooled;
                weight[^1] = total;
                size[^1] = merged;
            }
        }

        var values = new double[points.Length];
        var k = 0;
        for (var block = 0; block < mean.Count; block++)
        {
            for (var j = 0; j < size[block]; j++)
            {
                values[k++] = mean[block];
            }
        }

        return new IsotonicCalibration(points.Select(p => p.X).ToArray(), values);
    }

    /// <summary>The calibrated probability of <paramref name="score"/>.</summary>
    public double Apply(double score)
    {
        var x = (double[])Thresholds;
        var y = (double[])Values;
        if (score <= x[0])
        {
            return y[0];
        }

        if (score >= x[^1])
        {
            return y[^1];
        }

        var hi = Array.BinarySearch(x, score);
        if (hi >= 0)
        {
            return y[hi];
        }

        hi = ~hi;
        var lo = hi - 1;
        return y[lo] + (score - x[lo]) / (x[hi] - x[lo]) * (y[hi] - y[lo]);
    }
}

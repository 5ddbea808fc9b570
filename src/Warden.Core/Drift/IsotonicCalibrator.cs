namespace Warden.Core.Drift;

/// <summary>
/// Isotonic regression of labels on scores by pool-adjacent-violators (Ayer et al. 1955; Zadrozny &amp; Elkan 2002),
/// the calibrator NannyML's CBPE fits on reference data. Equal scores are pooled first; predictions interpolate
/// linearly between fitted points and clip outside the fitted range (scikit-learn's <c>out_of_bounds="clip"</c>).
/// </summary>
public sealed class IsotonicCalibrator
{
    private readonly double[] _x;
    private readonly double[] _y;

    private IsotonicCalibrator(double[] x, double[] y)
    {
        _x = x;
        _y = y;
    }

    /// <summary>Fitted score points (ascending).</summary>
    public IReadOnlyList<double> Scores => _x;

    /// <summary>Calibrated probability at each fitted point (non-decreasing).</summary>
    public IReadOnlyList<double> Probabilities => _y;

    /// <summary>Fits on scores and binary labels.</summary>
    public static IsotonicCalibrator Fit(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        if (scores.Length != labels.Length || scores.IsEmpty)
        {
            throw new ArgumentException("Scores and labels must be non-empty and of the same length.");
        }

        var keys = scores.ToArray();
        var ys = new double[labels.Length];
        for (int k = 0; k < ys.Length; k++)
        {
            ys[k] = labels[k] ? 1 : 0;
        }

        Array.Sort(keys, ys);

        // Pool ties: one point per distinct score, weighted by its multiplicity.
        var px = new List<double>();
        var py = new List<double>();
        var pw = new List<double>();
        for (int k = 0; k < keys.Length; k++)
        {
            if (px.Count > 0 && px[^1] == keys[k])
            {
                double w = pw[^1];
                py[^1] = ((py[^1] * w) + ys[k]) / (w + 1);
                pw[^1] = w + 1;
            }
            else
            {
                px.Add(keys[k]);
                py.Add(ys[k]);
                pw.Add(1);
            }
        }

        // Pool adjacent violators over blocks (value, weight, first point index).
        var blockValue = new List<double>();
        var blockWeight = new List<double>();
        var blockStart = new List<int>();
        for (int k = 0; k < px.Count; k++)
        {
            blockValue.Add(py[k]);
            blockWeight.Add(pw[k]);
            blockStart.Add(k);
            while (blockValue.Count > 1 && blockValue[^2] > blockValue[^1])
            {
                double w = blockWeight[^2] + blockWeight[^1];
                double v = ((blockValue[^2] * blockWeight[^2]) + (blockValue[^1] * blockWeight[^1])) / w;
                blockValue.RemoveAt(blockValue.Count - 1);
                blockWeight.RemoveAt(blockWeight.Count - 1);
                blockStart.RemoveAt(blockStart.Count - 1);
                blockValue[^1] = v;
                blockWeight[^1] = w;
            }
        }

        var fitted = new double[px.Count];
        for (int b = 0; b < blockValue.Count; b++)
        {
            int end = b + 1 < blockStart.Count ? blockStart[b + 1] : px.Count;
            for (int k = blockStart[b]; k < end; k++)
            {
                fitted[k] = blockValue[b];
            }
        }

        return new IsotonicCalibrator(px.ToArray(), fitted);
    }

    /// <summary>Calibrated probability for one score.</summary>
    public double Predict(double score)
    {
        if (score <= _x[0])
        {
            return _y[0];
        }

        if (score >= _x[^1])
        {
            return _y[^1];
        }

        int hi = Array.BinarySearch(_x, score);
        if (hi >= 0)
        {
            return _y[hi];
        }

        hi = ~hi;
        int lo = hi - 1;
        double t = (score - _x[lo]) / (_x[hi] - _x[lo]);
        return _y[lo] + (t * (_y[hi] - _y[lo]));
    }
}

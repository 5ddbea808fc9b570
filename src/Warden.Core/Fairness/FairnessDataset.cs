namespace Warden.Core.Fairness;

/// <summary>
/// Columnar input to fairness analysis: binary labels and predictions (1 = the positive / favourable outcome),
/// optional scores (probability of the positive outcome), optional sample weights and one or more sensitive features.
/// </summary>
public sealed class FairnessDataset
{
    private FairnessDataset(byte[] labels, byte[] predictions, double[]? scores, double[]? weights, IReadOnlyList<SensitiveFeature> features)
    {
        LabelArray = labels;
        PredictionArray = predictions;
        ScoreArray = scores;
        WeightArray = weights;
        SensitiveFeatures = features;
    }

    /// <summary>Number of rows.</summary>
    public int RowCount => LabelArray.Length;

    /// <summary>True labels y (0/1).</summary>
    public IReadOnlyList<byte> Labels => LabelArray;

    /// <summary>Predicted labels ŷ (0/1).</summary>
    public IReadOnlyList<byte> Predictions => PredictionArray;

    /// <summary>Scores in [0, 1], or null.</summary>
    public IReadOnlyList<double>? Scores => ScoreArray;

    /// <summary>Non-negative sample weights, or null (every row weighs 1).</summary>
    public IReadOnlyList<double>? Weights => WeightArray;

    /// <summary>Sensitive features, in the order given.</summary>
    public IReadOnlyList<SensitiveFeature> SensitiveFeatures { get; }

    internal byte[] LabelArray { get; }

    internal byte[] PredictionArray { get; }

    internal double[]? ScoreArray { get; }

    internal double[]? WeightArray { get; }

    /// <summary>Builds a dataset from binary labels and predictions.</summary>
    /// <param name="labels">True labels, 0 or 1.</param>
    /// <param name="predictions">Predicted labels, 0 or 1.</param>
    /// <param name="sensitive">Sensitive feature name → raw value per row (insertion order kept).</param>
    /// <param name="scores">Optional scores (used for calibration).</param>
    /// <param name="weights">Optional non-negative sample weights.</param>
    public static FairnessDataset Create(
        byte[] labels,
        byte[] predictions,
        IEnumerable<KeyValuePair<string, string[]>> sensitive,
        double[]? scores = null,
        double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(predictions);
        var n = labels.Length;
        Check(predictions.Length == n, "predictions");
        Check(scores is null || scores.Length == n, "scores");
        Check(weights is null || weights.Length == n, "weights");
        for (var i = 0; i < n; i++)
        {
            if (labels[i] > 1 || predictions[i] > 1)
            {
                throw new ArgumentException($"Row {i}: labels and predictions must be 0 or 1.", nameof(labels));
            }
        }

        if (weights is not null && weights.Any(w => !(w >= 0) || double.IsInfinity(w)))
        {
            throw new ArgumentException("Sample weights must be finite and non-negative.", nameof(weights));
        }

        if (scores is not null && scores.Any(double.IsNaN))
        {
            throw new ArgumentException("Scores must not be NaN.", nameof(scores));
        }

        var features = new List<SensitiveFeature>();
        foreach (var (name, values) in sensitive)
        {
            Check(values.Length == n, $"sensitive feature '{name}'");
            if (features.Any(f => f.Name == name))
            {
                throw new ArgumentException($"Sensitive feature '{name}' given twice.", nameof(sensitive));
            }

            features.Add(SensitiveFeature.Encode(name, values));
        }

        if (features.Count == 0)
        {
            throw new ArgumentException("At least one sensitive feature is required.", nameof(sensitive));
        }

        return new FairnessDataset(labels, predictions, scores, weights, features);

        static void Check(bool ok, string what)
        {
            if (!ok)
            {
                throw new ArgumentException($"Length of {what} differs from the number of labels.");
            }
        }
    }

    /// <summary>Builds a dataset whose predictions are <c>score &gt;= threshold</c>.</summary>
    public static FairnessDataset FromScores(
        byte[] labels,
        double[] scores,
        double threshold,
        IEnumerable<KeyValuePair<string, string[]>> sensitive,
        double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var predictions = new byte[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            predictions[i] = scores[i] >= threshold ? (byte)1 : (byte)0;
        }

        return Create(labels, predictions, sensitive, scores, weights);
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Warden.Training.Mitigation;

/// <summary>
/// ML.NET's L-BFGS logistic regression (the demo model's learner and settings, <see cref="CreditRiskTrainer.TrainerOptions"/>)
/// trained on already scaled features with per-example weights (<c>ExampleWeightColumnName</c>).
/// </summary>
internal sealed class WeightedLogisticLearner(int seed)
{
    private readonly MLContext _context = new(seed);

    /// <summary>Fits on <paramref name="x"/> (scaled) with labels and weights; weights are rescaled to sum to the row count
    /// so the L1/L2 penalties keep the strength they have on unweighted data.</summary>
    public LinearClassifier Fit(IReadOnlyList<float[]> x, IReadOnlyList<bool> labels, IReadOnlyList<double>? weights = null)
    {
        var n = x.Count;
        var total = weights?.Sum() ?? n;
        if (!(total > 0))
        {
            throw new ArgumentException("The example weights sum to zero.", nameof(weights));
        }

        var positives = 0.0;
        var negatives = 0.0;
        var examples = new WeightedExample[n];
        for (var i = 0; i < n; i++)
        {
            var w = weights is null ? 1.0 : weights[i] * n / total;
            examples[i] = new WeightedExample { Features = x[i], Label = labels[i], Weight = (float)w };
            if (labels[i])
            {
                positives += w;
            }
            else
            {
                negatives += w;
            }
        }

        // L-BFGS cannot fit a single class; the weighted-error minimiser is then that class everywhere.
        if (positives <= 0 || negatives <= 0)
        {
            return LinearClassifier.Constant(x[0].Length, positives > 0);
        }

        var options = CreditRiskTrainer.TrainerOptions();
        options.LabelColumnName = nameof(WeightedExample.Label);
        options.FeatureColumnName = nameof(WeightedExample.Features);
        options.ExampleWeightColumnName = nameof(WeightedExample.Weight);
        var trainer = _context.BinaryClassification.Trainers.LbfgsLogisticRegression(options);
        // The feature width is the encoded width of whatever CSV is trained on, so the vector type is set at run time.
        var schema = SchemaDefinition.Create(typeof(WeightedExample));
        schema[nameof(WeightedExample.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, x[0].Length);
        var model = trainer.Fit(_context.Data.LoadFromEnumerable(examples, schema)).Model.SubModel;
        return new LinearClassifier(model.Weights.Select(w => (double)w).ToArray(), model.Bias);
    }

    private sealed class WeightedExample
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }

        public float Weight { get; set; }
    }
}

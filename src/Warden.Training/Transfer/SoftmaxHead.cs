using System.Collections.Immutable;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms;

namespace Warden.Training.Transfer;

/// <summary>
/// A multiclass linear head trained with ML.NET — min-max normalisation (<c>NormalizeMinMax</c>), then L-BFGS maximum
/// entropy (multinomial logistic regression) — and the parameters it learned, read back so the head can be evaluated
/// outside ML.NET and appended to an ONNX graph: P(class c | x) = softmax_c(Σ_j W[c,j]·(x_j − offset_j)·scale_j + b_c).
/// </summary>
public sealed class SoftmaxHead
{
    private SoftmaxHead(MLContext context, ITransformer model, int dimension, float[] scale, float[] offset, float[][] weights, float[] bias)
    {
        Context = context;
        Model = model;
        Dimension = dimension;
        Scale = scale;
        Offset = offset;
        Weights = weights;
        Bias = bias;
    }

    /// <summary>
    /// L1 weight. ML.NET's penalties are absolute, not per example, so its defaults (L1 = L2 = 1) swamp the likelihood of a
    /// few-shot training set: with one image per class every weight was zeroed and the head predicted the uniform
    /// distribution (accuracy 0.100, log-loss log₂10). Measured alternatives are in docs/transfer-learning.md.
    /// </summary>
    public const float DefaultL1 = 0f;

    /// <summary>L2 weight (see <see cref="DefaultL1"/>).</summary>
    public const float DefaultL2 = 0.1f;

    /// <summary>Input dimension.</summary>
    public int Dimension { get; }

    /// <summary>Per-input scale of the normaliser.</summary>
    public IReadOnlyList<float> Scale { get; }

    /// <summary>Per-input offset of the normaliser (zeros when ML.NET fixes zero, its default).</summary>
    public IReadOnlyList<float> Offset { get; }

    /// <summary>Weights, one row of <see cref="Dimension"/> per class; class c is digit c.</summary>
    public IReadOnlyList<float[]> Weights { get; }

    /// <summary>Bias per class.</summary>
    public IReadOnlyList<float> Bias { get; }

    /// <summary>Number of classes.</summary>
    public int Classes => Bias.Count;

    internal MLContext Context { get; }

    internal ITransformer Model { get; }

    /// <summary>Trains on <paramref name="features"/> with labels 0…C−1 (every class must occur).</summary>
    public static SoftmaxHead Train(IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int seed,
        float l1 = DefaultL1, float l2 = DefaultL2)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        var classes = labels.Max() + 1;
        if (Enumerable.Range(0, classes).Any(c => !labels.Contains(c)))
        {
            throw new ArgumentException("Every class 0…C−1 needs at least one example.", nameof(labels));
        }

        var context = new MLContext(seed);
        var dimension = features[0].Length;
        var pipeline = context.Transforms.Conversion.MapValueToKey("Key", "Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(context.Transforms.NormalizeMinMax("Features"))
            .Append(context.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = "Key",
                FeatureColumnName = "Features",
                L1Regularization = l1,
                L2Regularization = l2,

                // One thread keeps the result bit-for-bit reproducible (gradient sums in a fixed order).
                NumberOfThreads = 1,
            }));
        var model = pipeline.Fit(ToView(context, features, labels));

        var parts = ((IEnumerable<ITransformer>)model).ToArray();
        var normaliser = (NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>>)
            ((NormalizingTransformer)parts[1]).GetNormalizerModelParameters(0);
        var predictor = ((MulticlassPredictionTransformer<MaximumEntropyModelParameters>)parts[2]).Model;
        VBuffer<float>[] weights = [];
        predictor.GetWeights(ref weights, out var numberOfClasses);
        if (numberOfClasses != classes)
        {
            throw new InvalidOperationException($"ML.NET learned {numberOfClasses} classes, expected {classes}.");
        }

        var offset = normaliser.Offset.Length == 0 ? new float[dimension] : normaliser.Offset.ToArray();
        return new SoftmaxHead(context, model, dimension, normaliser.Scale.ToArray(), offset,
            weights.Select(w => w.DenseValues().ToArray()).ToArray(), predictor.GetBiases().ToArray());
    }

    /// <summary>ML.NET's class probabilities for each row (its <c>Score</c> column, in class order).</summary>
    public float[][] PredictWithMlNet(IReadOnlyList<float[]> features) =>
        Model.Transform(ToView(Context, features, new int[features.Count])).GetColumn<float[]>("Score").ToArray();

    /// <summary>Class probabilities from the read-back parameters, computed in double precision.</summary>
    public double[] Predict(float[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var z = new double[Classes];
        for (var c = 0; c < Classes; c++)
        {
            double sum = Bias[c];
            for (var j = 0; j < Dimension; j++)
            {
                sum += Weights[c][j] * ((double)x[j] - Offset[j]) * Scale[j];
            }

            z[c] = sum;
        }

        var max = z.Max();
        var exp = z.Select(v => Math.Exp(v - max)).ToArray();
        var total = exp.Sum();
        return exp.Select(v => v / total).ToArray();
    }

    private static IDataView ToView(MLContext context, IReadOnlyList<float[]> features, IReadOnlyList<int> labels)
    {
        var rows = features.Select((f, i) => new Row { Features = f, Label = labels[i] }).ToArray();
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features[0].Length);
        return context.Data.LoadFromEnumerable(rows, schema);
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;

namespace Warden.Training.Adaptation;

/// <summary>Dense feature vectors with a boolean label and an example weight, as an ML.NET data view.</summary>
internal static class VectorRows
{
    public const string Features = "Features";
    public const string Label = "Label";
    public const string Weight = "Weight";

    public static IDataView ToDataView(MLContext context, IReadOnlyList<float[]> features, IReadOnlyList<bool> labels,
        IReadOnlyList<double>? weights = null)
    {
        if (features.Count == 0)
        {
            throw new ArgumentException("No rows.", nameof(features));
        }

        var dimension = features[0].Length;
        var rows = new Row[features.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            if (features[i].Length != dimension)
            {
                throw new ArgumentException($"Row {i} has {features[i].Length} features, expected {dimension}.", nameof(features));
            }

            rows[i] = new Row { Features = features[i], Label = labels[i], Weight = weights is null ? 1f : (float)weights[i] };
        }

        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimension);
        return context.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>P(label = true) for every row of <paramref name="features"/>, in order.</summary>
    public static double[] Probabilities(MLContext context, ITransformer model, IReadOnlyList<float[]> features)
    {
        var view = ToDataView(context, features, new bool[features.Count]);
        return model.Transform(view).GetColumn<float>("Probability").Select(p => (double)p).ToArray();
    }

    internal sealed class Row
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }

        public float Weight { get; set; }
    }
}

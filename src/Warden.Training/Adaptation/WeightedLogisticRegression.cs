using Microsoft.ML;

namespace Warden.Training.Adaptation;

/// <summary>
/// The credit-risk learner (min-max normalisation, then ML.NET's L-BFGS logistic regression with <see cref="CreditRiskTrainer"/>'s
/// options) on dense vectors, with optional per-row example weights.
/// </summary>
internal static class WeightedLogisticRegression
{
    public static ITransformer Fit(MLContext context, IReadOnlyList<float[]> features, IReadOnlyList<bool> labels,
        IReadOnlyList<double>? weights = null)
    {
        var options = CreditRiskTrainer.TrainerOptions();
        options.LabelColumnName = VectorRows.Label;
        options.FeatureColumnName = VectorRows.Features;
        if (weights is not null)
        {
            options.ExampleWeightColumnName = VectorRows.Weight;
        }

        var pipeline = context.Transforms.NormalizeMinMax(VectorRows.Features)
            .Append(context.BinaryClassification.Trainers.LbfgsLogisticRegression(options));
        return pipeline.Fit(VectorRows.ToDataView(context, features, labels, weights));
    }
}

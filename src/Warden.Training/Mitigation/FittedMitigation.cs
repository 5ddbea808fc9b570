using Warden.Core.Fairness;
using Warden.Core.Onnx;

namespace Warden.Training.Mitigation;

/// <summary>The unmitigated and the mitigated classifier fitted on one training set; exactly one of the last three is set.</summary>
internal sealed record FittedMitigation(
    FeatureScaler Scaler,
    LinearClassifier Baseline,
    IBinaryClassifier? Single,
    GroupThresholds? Thresholds,
    ExponentiatedGradientResult? Reduction,
    Dictionary<string, string> Details,
    string Attribute = HmdaDataset.SensitiveAttribute)
{
    /// <summary>P(ŷ = 1) and the score (for the AUC) of a scaled row whose sensitive value is <paramref name="group"/>.</summary>
    public (double Probability, double Score) Predict(float[] scaled, string group)
    {
        if (Reduction is { } r)
        {
            var p = r.PositiveProbability(scaled);
            return (p, p);
        }

        if (Thresholds is { } t)
        {
            var s = Baseline.Probability(scaled);
            return (t.Probability(s, Attribute + "=" + group), s);
        }

        var model = Single!;
        return (model.Decide(scaled) ? 1 : 0, model.Probability(scaled));
    }

    /// <summary>What model.onnx computes for a raw row: the probability output.</summary>
    public double ServedProbability(HmdaApplication row)
    {
        var x = Scaler.Transform(row);
        return Reduction is { } r ? r.PositiveProbability(x) : (Single ?? Baseline).Probability(x);
    }

    /// <summary>The graph to serve: the mixture for a reduction, the baseline for thresholds (applied by the server), else the model.</summary>
    public OnnxGraphEditor ExportOnnx(IReadOnlyList<Tabular.TabularColumn>? columns = null)
    {
        var inputs = columns ?? ClassifierOnnxExporter.HmdaColumns;
        return (Reduction, Single) switch
        {
            ({ } r, _) => ClassifierOnnxExporter.ExportMixture(inputs, Scaler.Scale, r.Classifiers, r.Weights),
            (null, HiddenLayerClassifier network) => ClassifierOnnxExporter.ExportHiddenLayer(inputs, Scaler.Scale, network),
            (null, LinearClassifier linear) => ClassifierOnnxExporter.Export(inputs, Scaler.Scale, linear),
            _ => ClassifierOnnxExporter.Export(inputs, Scaler.Scale, Baseline),
        };
    }
}

using Warden.Core.Fairness;
using Warden.Core.Onnx;

namespace Warden.Training.Mitigation;

/// <summary>The unmitigated and the mitigated classifier fitted on one training set; exactly one of the last three is set.</summary>
internal sealed record FittedMitigation(
    FeatureScaler Scaler,
    LinearClassifier Baseline,
    LinearClassifier? Single,
    GroupThresholds? Thresholds,
    ExponentiatedGradientResult? Reduction,
    Dictionary<string, string> Details)
{
    /// <summary>P(ŷ = 1) and the score (for the AUC) of a scaled row of group <paramref name="afam"/> (yes / no).</summary>
    public (double Probability, double Score) Predict(float[] scaled, string afam)
    {
        if (Reduction is { } r)
        {
            var p = r.PositiveProbability(scaled);
            return (p, p);
        }

        if (Thresholds is { } t)
        {
            var s = Baseline.Probability(scaled);
            return (t.Probability(s, MitigationTrainer.Key(afam)), s);
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
    public OnnxGraphEditor ExportOnnx() => Reduction is { } r
        ? LinearOnnxExporter.ExportMixture(Scaler.Scale, r.Classifiers, r.Weights)
        : LinearOnnxExporter.Export(Scaler.Scale, Single ?? Baseline);
}

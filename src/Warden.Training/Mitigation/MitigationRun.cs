using Warden.Core.Fairness;
using Warden.Core.Onnx;

namespace Warden.Training.Mitigation;

/// <summary>One mitigation run in memory: the split, the models, the exported graph and the report.</summary>
internal sealed record MitigationRun(
    IReadOnlyList<HmdaApplication> Train,
    IReadOnlyList<HmdaApplication> Holdout,
    FeatureScaler Scaler,
    LinearClassifier Baseline,
    Func<HmdaApplication, double> ServedProbability,
    OnnxGraphEditor Onnx,
    GroupThresholds? Thresholds,
    ExponentiatedGradientResult? Reduction,
    MitigationReport Report);

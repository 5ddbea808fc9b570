namespace Warden.Core.Fairness;

/// <summary>Per-group rates computed from the (weighted) confusion matrix; see <see cref="ConfusionCounts.Rate"/>.</summary>
public enum FairnessMetric
{
    /// <summary>P(ŷ=1) = (TP+FP)/N.</summary>
    SelectionRate,

    /// <summary>P(y=1) = (TP+FN)/N.</summary>
    BaseRate,

    /// <summary>(TP+TN)/N.</summary>
    Accuracy,

    /// <summary>Recall, TP/(TP+FN).</summary>
    TruePositiveRate,

    /// <summary>FP/(FP+TN).</summary>
    FalsePositiveRate,

    /// <summary>FN/(TP+FN).</summary>
    FalseNegativeRate,

    /// <summary>Specificity, TN/(FP+TN).</summary>
    TrueNegativeRate,

    /// <summary>Precision, TP/(TP+FP).</summary>
    PositivePredictiveValue,

    /// <summary>FP/(TP+FP).</summary>
    FalseDiscoveryRate,

    /// <summary>FN/(TN+FN).</summary>
    FalseOmissionRate,

    /// <summary>TN/(TN+FN).</summary>
    NegativePredictiveValue,
}

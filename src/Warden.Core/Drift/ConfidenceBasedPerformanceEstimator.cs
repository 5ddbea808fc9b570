namespace Warden.Core.Drift;

/// <summary>
/// Confidence-based performance estimation (CBPE, NannyML; see nannyml.readthedocs.io "Estimation of Performance of
/// the Monitored Model"): with calibrated positive-class probabilities p̂ and the model's decisions ŷ = [score ≥ t],
/// each row contributes its expected confusion cell without any label — a positive decision is a true positive with
/// probability p̂ and a false positive with 1 − p̂; a negative decision is a false negative with p̂ and a true
/// negative with 1 − p̂. Expected accuracy = (1/n) Σ [ŷ p̂ + (1 − ŷ)(1 − p̂)]. Valid under covariate shift only
/// (P(y | x) unchanged) and when p̂ is calibrated, hence the isotonic calibrator fitted on reference.
/// </summary>
public sealed class ConfidenceBasedPerformanceEstimator
{
    private ConfidenceBasedPerformanceEstimator(double threshold, IsotonicCalibrator? calibrator, ConfusionMatrix reference, double referenceRocAuc)
    {
        Threshold = threshold;
        Calibrator = calibrator;
        Reference = reference;
        ReferenceRocAuc = referenceRocAuc;
    }

    /// <summary>Decision threshold on the raw score.</summary>
    public double Threshold { get; }

    /// <summary>Isotonic calibrator fitted on reference, or null when scores are used as probabilities as they are.</summary>
    public IsotonicCalibrator? Calibrator { get; }

    /// <summary>Realised confusion matrix on the reference data.</summary>
    public ConfusionMatrix Reference { get; }

    /// <summary>Realised ROC AUC on the reference data.</summary>
    public double ReferenceRocAuc { get; }

    /// <summary>Fits on labelled reference scores; <paramref name="calibrate"/> fits the isotonic calibrator.</summary>
    public static ConfidenceBasedPerformanceEstimator Fit(ReadOnlySpan<double> referenceScores, ReadOnlySpan<bool> referenceLabels, double threshold = 0.5, bool calibrate = true)
    {
        var calibrator = calibrate ? IsotonicCalibrator.Fit(referenceScores, referenceLabels) : null;
        return new ConfidenceBasedPerformanceEstimator(
            threshold,
            calibrator,
            ConfusionMatrix.FromLabels(referenceScores, referenceLabels, threshold),
            ClassificationMetrics.RocAuc(referenceScores, referenceLabels));
    }

    /// <summary>Calibrated probability of the positive class for a raw score.</summary>
    public double Probability(double score) => Math.Clamp(Calibrator?.Predict(score) ?? score, 0, 1);

    /// <summary>Expected confusion matrix (expected counts) of unlabelled scores.</summary>
    public ConfusionMatrix Estimate(ReadOnlySpan<double> scores)
    {
        double tp = 0, fp = 0, tn = 0, fn = 0;
        foreach (double s in scores)
        {
            double p = Probability(s);
            if (s >= Threshold)
            {
                tp += p;
                fp += 1 - p;
            }
            else
            {
                fn += p;
                tn += 1 - p;
            }
        }

        return new ConfusionMatrix(tp, fp, tn, fn);
    }
}

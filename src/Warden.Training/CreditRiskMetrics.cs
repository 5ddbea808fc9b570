namespace Warden.Training;

/// <summary>
/// Held-out performance of the credit-risk classifier, as computed by ML.NET's binary-classification evaluator
/// with <c>deny = yes</c> as the positive class and the predicted label taken at probability &gt; 0.5.
/// </summary>
/// <param name="Auc">Area under the ROC curve.</param>
/// <param name="Accuracy">Share of rows whose predicted label equals the true one.</param>
/// <param name="LogLoss">Mean negative log-likelihood of the true label, in bits (ML.NET uses log base 2).</param>
/// <param name="F1">Harmonic mean of precision and recall for the positive class.</param>
/// <param name="Precision">Positive predictive value.</param>
/// <param name="Recall">True positive rate.</param>
/// <param name="Auprc">Area under the precision-recall curve.</param>
/// <param name="Rows">Hold-out rows evaluated.</param>
/// <param name="Positives">Hold-out rows with <c>deny = yes</c>.</param>
public sealed record CreditRiskMetrics(
    double Auc, double Accuracy, double LogLoss, double F1, double Precision, double Recall, double Auprc, int Rows, int Positives);

namespace Warden.Training.Mitigation;

/// <summary>Bias mitigation applied when training the credit-risk model (see docs/fairness.md, "Mitigation results on HMDA").</summary>
public enum MitigationMethod
{
    /// <summary>No mitigation: the unweighted logistic regression.</summary>
    None,

    /// <summary>Pre-processing: Kamiran &amp; Calders (2012) reweighing, fed to the learner as example weights.</summary>
    Reweighing,

    /// <summary>Pre-processing: Kamiran &amp; Calders (2012) uniform resampling of (group, label) cells.</summary>
    Resampling,

    /// <summary>In-processing: the exponentiated-gradient reduction of Agarwal et al. (2018).</summary>
    ExponentiatedGradient,

    /// <summary>In-processing: adversarial debiasing of Zhang, Lemoine &amp; Mitchell (2018).</summary>
    Adversarial,

    /// <summary>Post-processing: per-group thresholds of Hardt, Price &amp; Srebro (2016).</summary>
    Threshold,
}

namespace Warden.Training.Mitigation;

/// <summary>
/// Which predictor <see cref="AdversarialDebiasing"/> returns from its joint phase (CLI <c>--adversary-select</c>).
/// </summary>
public enum AdversarialSelection
{
    /// <summary>The joint phase's last iterate (or its averaged tail), as AIF360 returns it.</summary>
    Last,

    /// <summary>
    /// Of the predictors at the end of every joint-phase epoch, the most accurate on the training rows among those whose
    /// disparity on the training rows is at most the target, or the least disparate when none is (a model-selection step
    /// over the iterates of one fit, recorded in mitigation.json).
    /// </summary>
    Epoch,

    /// <summary>
    /// As <see cref="Epoch"/>, and for each epoch's predictor also the decision threshold on its logit (one threshold for
    /// every row, never per group) that is the most accurate on the training rows with disparity at most the target; the
    /// threshold is folded into the exported bias, so the served label is still "probability &gt; 0.5".
    /// </summary>
    EpochAndThreshold,
}

namespace Warden.Training.Mitigation;

/// <summary>
/// A scoring binary classifier on scaled features (<see cref="FeatureScaler"/>): a logit z, P(y = 1) = σ(z), decision z &gt; 0.
/// Implemented by the logistic model every method fits and by the one-hidden-layer network adversarial debiasing can fit.
/// </summary>
internal interface IBinaryClassifier
{
    /// <summary>The logit z of a scaled row.</summary>
    double Logit(ReadOnlySpan<float> scaled);

    /// <summary>σ(z).</summary>
    double Probability(ReadOnlySpan<float> scaled);

    /// <summary>z &gt; 0 (probability &gt; 0.5).</summary>
    bool Decide(ReadOnlySpan<float> scaled);
}

namespace Warden.Training.Mitigation;

/// <summary>
/// AIF360's adversarial-debiasing classifier shape: one hidden layer of ReLU units on the scaled features, then a logistic unit.
/// h_k = max(0, Σ_j V_kj·x̃_j + c_k), z = Σ_k w_k·h_k + b, P(y = 1) = σ(z), decision z &gt; 0. Dropout is a training device
/// only (AIF360 feeds keep_prob 1 when predicting), so none appears here.
/// </summary>
/// <param name="Hidden">Number of hidden units H.</param>
/// <param name="InputWeights">V, unit-major: V_kj at k·d + j (d = features).</param>
/// <param name="HiddenBiases">c, one per unit.</param>
/// <param name="OutputWeights">w, one per unit.</param>
/// <param name="OutputBias">b.</param>
internal sealed record HiddenLayerClassifier(int Hidden, double[] InputWeights, double[] HiddenBiases, double[] OutputWeights, double OutputBias)
    : IBinaryClassifier
{
    /// <summary>Number of input features d.</summary>
    public int Features => InputWeights.Length / Hidden;

    public double Logit(ReadOnlySpan<float> scaled)
    {
        var d = Features;
        var z = OutputBias;
        for (var k = 0; k < Hidden; k++)
        {
            var pre = HiddenBiases[k];
            var row = InputWeights.AsSpan(k * d, d);
            for (var j = 0; j < d; j++)
            {
                pre += row[j] * scaled[j];
            }

            if (pre > 0)
            {
                z += OutputWeights[k] * pre;
            }
        }

        return z;
    }

    public double Probability(ReadOnlySpan<float> scaled) => LinearClassifier.Sigmoid(Logit(scaled));

    public bool Decide(ReadOnlySpan<float> scaled) => Logit(scaled) > 0;
}

namespace Warden.Training.Mitigation;

/// <summary>
/// A logistic model on scaled features: z = Σ_j w_j·x̃_j + b, P(y = 1) = σ(z), decision z &gt; 0 (probability &gt; 0.5).
/// </summary>
/// <param name="Weights">Weights on the scaled features (<see cref="FeatureScaler"/>).</param>
/// <param name="Bias">Intercept.</param>
internal sealed record LinearClassifier(double[] Weights, double Bias) : IBinaryClassifier
{
    public double Logit(ReadOnlySpan<float> scaled)
    {
        var z = Bias;
        for (var j = 0; j < Weights.Length; j++)
        {
            z += Weights[j] * scaled[j];
        }

        return z;
    }

    public double Probability(ReadOnlySpan<float> scaled) => Sigmoid(Logit(scaled));

    public bool Decide(ReadOnlySpan<float> scaled) => Logit(scaled) > 0;

    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    /// <summary>A classifier that predicts <paramref name="label"/> for every row (used when a reduction asks for one class only).</summary>
    public static LinearClassifier Constant(int features, bool label) => new(new double[features], label ? 1 : -1);
}

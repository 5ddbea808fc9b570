namespace Warden.Training.Mitigation;

/// <summary>The randomised classifier found by <see cref="ExponentiatedGradient"/>.</summary>
/// <param name="Classifiers">Every distinct best response (cost-sensitive classifier) found, in order.</param>
/// <param name="Weights">Mixture weight of each classifier (sums to 1); predict with classifier t with probability Weights[t].</param>
/// <param name="Multipliers">Lagrange multipliers λ of the last iteration, one per (group, event, sign) constraint.</param>
/// <param name="Gap">Duality gap of the returned mixture.</param>
/// <param name="Iterations">Iterations run.</param>
/// <param name="BestIteration">Iteration whose averaged mixture was returned (smallest gap).</param>
/// <param name="Nu">Fairlearn's stopping tolerance ν = 0.5·std(|h₀(x) − y|)/√n from the data; the run stops once the gap is below it.</param>
/// <param name="Errors">Training error of each classifier.</param>
/// <param name="Violations">Largest |γ| of each classifier on the training rows (γ = a group's event rate minus the overall one).</param>
internal sealed record ExponentiatedGradientResult(
    IReadOnlyList<LinearClassifier> Classifiers,
    IReadOnlyList<double> Weights,
    IReadOnlyList<double> Multipliers,
    double Gap,
    int Iterations,
    int BestIteration,
    double Nu,
    IReadOnlyList<double> Errors,
    IReadOnlyList<double> Violations)
{
    /// <summary>
    /// Index of the best single classifier: the lowest training error among the classifiers whose violation is at most
    /// <paramref name="epsilon"/>; when none meets it, the smallest violation (then the lower error). Ties keep the earlier one.
    /// </summary>
    public int BestSingle(double epsilon)
    {
        var order = Enumerable.Range(0, Classifiers.Count).ToList();
        var feasible = order.Where(t => Violations[t] <= epsilon + 1e-12).ToList();
        return feasible.Count > 0
            ? feasible.OrderBy(t => Errors[t]).ThenBy(t => t).First()
            : order.OrderBy(t => Violations[t]).ThenBy(t => Errors[t]).ThenBy(t => t).First();
    }

    /// <summary>P(ŷ = 1) of the randomised classifier for one scaled row.</summary>
    public double PositiveProbability(ReadOnlySpan<float> scaled)
    {
        var p = 0.0;
        for (var t = 0; t < Classifiers.Count; t++)
        {
            if (Weights[t] > 0 && Classifiers[t].Decide(scaled))
            {
                p += Weights[t];
            }
        }

        return p;
    }

    /// <summary>The classifier with the largest mixture weight.</summary>
    public LinearClassifier Heaviest => Classifiers[Enumerable.Range(0, Weights.Count).MaxBy(t => Weights[t])];
}

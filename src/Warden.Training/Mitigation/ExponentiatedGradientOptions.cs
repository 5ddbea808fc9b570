namespace Warden.Training.Mitigation;

/// <summary>Settings of <see cref="ExponentiatedGradient"/>; defaults are Fairlearn's <c>ExponentiatedGradient</c> ones.</summary>
public sealed record ExponentiatedGradientOptions
{
    /// <summary>Allowed constraint violation ε (each γ_{a,e} within ±ε); the multipliers are bounded by B = 1/ε.</summary>
    public double Epsilon { get; init; } = 0.01;

    /// <summary>Maximum number of iterations.</summary>
    public int MaxIterations { get; init; } = 50;

    /// <summary>Initial step size η₀ of the exponentiated-gradient update (η = η₀ / B).</summary>
    public double Eta0 { get; init; } = 2.0;

    /// <summary>Serve the randomised mixture (default, as Fairlearn's <c>predict</c>) or the best single classifier meeting the constraint.</summary>
    public ReductionServing Serve { get; init; } = ReductionServing.Mixture;
}

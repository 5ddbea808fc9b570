namespace Warden.Training.Mitigation;

/// <summary>Settings of <see cref="AdversarialDebiasing"/> (full-batch gradient descent, so runs are deterministic).</summary>
public sealed record AdversarialOptions
{
    /// <summary>Gradient steps of predictor and adversary.</summary>
    public int Steps { get; init; } = 2000;

    /// <summary>Initial learning rate η₀; step t uses η₀/√(1 + t/100) (Zhang et al. let the rate decay).</summary>
    public double LearningRate { get; init; } = 0.5;

    /// <summary>Adversary weight α₀; step t uses α₀·√(1 + t/100) (Zhang et al. let α grow).</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>L2 penalty on the predictor weights.</summary>
    public double L2 { get; init; } = 1e-3;

    /// <summary>Seed of the initial weights.</summary>
    public int Seed { get; init; } = 42;
}

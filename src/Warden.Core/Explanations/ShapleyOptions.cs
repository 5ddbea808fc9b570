namespace Warden.Core.Explanations;

/// <summary>Settings for <see cref="ShapleyExplainer"/>.</summary>
public sealed record ShapleyOptions
{
    /// <summary>Largest feature count explained exactly (2^M coalitions); above it permutation sampling is used.</summary>
    public int ExactFeatureLimit { get; init; } = 12;

    /// <summary>Rows passed to the model delegate per call.</summary>
    public int BatchSize { get; init; } = 8192;

    /// <summary>
    /// Permutations evaluated by the sampling method, counted singly: they come in antithetic pairs (a permutation and
    /// its reverse), so this must be even and at least 4 (two pairs, the fewest that give a standard error).
    /// </summary>
    public int Permutations { get; init; } = 256;

    /// <summary>Seed of the permutation generator; the same seed, model and inputs give the same explanation.</summary>
    public int Seed { get; init; } = 20240917;

    /// <summary>Largest |base + Σφ − f(x)| for which the additivity check passes.</summary>
    public double AdditivityTolerance { get; init; } = 1e-6;
}

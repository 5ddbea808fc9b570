namespace Warden.Core.Explanations;

/// <summary>Interventional Shapley values for one row, with how they were computed.</summary>
/// <param name="Method">Exact enumeration or permutation sampling.</param>
/// <param name="FeatureCount">M, the number of features.</param>
/// <param name="BackgroundRows">Rows in the background data set.</param>
/// <param name="Permutations">Permutations sampled (0 for the exact method).</param>
/// <param name="Seed">Seed of the permutation generator (null for the exact method, which draws nothing).</param>
/// <param name="ModelEvaluations">Rows passed to the model in total.</param>
/// <param name="BaseValue">E_b[f(b)], the mean model output over the background.</param>
/// <param name="Output">f(x), the model output for the explained row.</param>
/// <param name="Attributions">One entry per feature, sorted by |φ| descending (ties by feature index).</param>
/// <param name="Additivity">Base value + Σφ against f(x).</param>
public sealed record ShapleyExplanation(
    ShapleyMethod Method,
    int FeatureCount,
    int BackgroundRows,
    int Permutations,
    int? Seed,
    long ModelEvaluations,
    double BaseValue,
    double Output,
    IReadOnlyList<FeatureAttribution> Attributions,
    AdditivityCheck Additivity);

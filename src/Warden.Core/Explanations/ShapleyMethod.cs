namespace Warden.Core.Explanations;

/// <summary>How a <see cref="ShapleyExplanation"/> was computed.</summary>
public enum ShapleyMethod
{
    /// <summary>All 2^M coalitions evaluated; the Shapley values are exact for the given background.</summary>
    Exact,

    /// <summary>
    /// Antithetic permutation sampling (Štrumbelj &amp; Kononenko 2014, "Explaining prediction models and individual
    /// predictions with feature contributions", KAIS 41; antithetic pairs as in Mitchell et al. 2022, "Sampling
    /// permutations for Shapley value estimation", JMLR 23).
    /// </summary>
    PermutationSampling,
}

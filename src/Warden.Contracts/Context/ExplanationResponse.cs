namespace Warden.Contracts.Context;

/// <summary>Per-feature Shapley attributions of one prediction (<c>POST /v2/models/{m}/explain</c>).</summary>
public sealed class ExplanationResponse
{
    /// <summary>Model explained.</summary>
    public string Model { get; set; } = "";

    /// <summary>Version explained.</summary>
    public string Version { get; set; } = "";

    /// <summary>Output explained (e.g. <c>probability</c>).</summary>
    public string Output { get; set; } = "";

    /// <summary><c>exact</c> or <c>permutation_sampling</c>.</summary>
    public string Method { get; set; } = "";

    /// <summary>How it was computed: features, background rows, permutations, model evaluations, exact feature limit.</summary>
    public Dictionary<string, long> Parameters { get; set; } = [];

    /// <summary>Seed of the permutation generator (null for exact).</summary>
    public int? Seed { get; set; }

    /// <summary>Mean model output over the background sample.</summary>
    public double BaseValue { get; set; }

    /// <summary>The model output for the explained row.</summary>
    public double Value { get; set; }

    /// <summary>Attributions sorted by |φ| descending.</summary>
    public List<AttributionInfo> Attributions { get; set; } = [];

    /// <summary>Base value + Σφ against the output.</summary>
    public AdditivityInfo Additivity { get; set; } = new();
}

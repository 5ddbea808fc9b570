using System.Text.Json;

namespace Warden.Core.Fairness;

/// <summary>
/// A fairness gate: the analysis settings (privileged groups, minimum group size, bootstrap) and the thresholds
/// a model must meet. Evaluated by <see cref="FairnessPolicyEvaluator"/>.
/// </summary>
public sealed record FairnessPolicy
{
    /// <summary>Human-readable name.</summary>
    public string? Name { get; init; }

    /// <summary>Thresholds to meet.</summary>
    public required IReadOnlyList<FairnessRule> Rules { get; init; }

    /// <summary>Privileged value per sensitive feature.</summary>
    public IReadOnlyDictionary<string, string> Privileged { get; init; } = new Dictionary<string, string>();

    /// <summary>Minimum group size; a report computed with a smaller one does not satisfy the policy.</summary>
    public int MinGroupSize { get; init; } = 30;

    /// <summary>Bootstrap resamples for the analysis.</summary>
    public int BootstrapResamples { get; init; } = 200;

    /// <summary>Bootstrap seed.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>When true (default) an undefined metric fails its rule; otherwise it is skipped with a note.</summary>
    public bool FailOnUndefined { get; init; } = true;

    /// <summary>Analysis settings implied by this policy.</summary>
    public FairnessOptions ToOptions() => new()
    {
        Privileged = Privileged,
        MinGroupSize = MinGroupSize,
        BootstrapResamples = BootstrapResamples,
        Seed = Seed,
    };

    /// <summary>JSON text of the policy.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, FairnessReportJson.Options);

    /// <summary>Reads a policy from JSON.</summary>
    public static FairnessPolicy FromJson(string json) =>
        JsonSerializer.Deserialize<FairnessPolicy>(json, FairnessReportJson.Options) ?? throw new JsonException("Empty fairness policy.");
}

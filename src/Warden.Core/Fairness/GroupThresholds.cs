using System.Text.Json;

namespace Warden.Core.Fairness;

/// <summary>
/// Serialisable per-group post-processing rules produced by <see cref="ThresholdOptimizer"/> and applied at serving time.
/// Group keys are "feature=value" joined by " &amp; " in <see cref="Features"/> order (see <see cref="KeyFor"/>).
/// </summary>
public sealed record GroupThresholds
{
    // Settable rather than init, so the source-generated reader keeps the default when the JSON leaves it out.
    /// <summary>Schema version.</summary>
    public string SchemaVersion { get; set; } = "1.0";

    /// <summary>Constraint the rules satisfy on the fitting data.</summary>
    public required FairnessConstraint Constraint { get; init; }

    /// <summary>Sensitive features forming the group key, in order.</summary>
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>Group key → rule.</summary>
    public required IReadOnlyDictionary<string, GroupDecisionRule> Rules { get; init; }

    /// <summary>Group key of a row given its sensitive feature values.</summary>
    public string KeyFor(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return GroupPartition.KeyOf(Features, Features.Select(f => values.TryGetValue(f, out var v) ? v
            : throw new ArgumentException($"Missing sensitive feature '{f}'.", nameof(values))).ToList());
    }

    /// <summary>Probability of a positive decision for <paramref name="score"/> in <paramref name="group"/>.</summary>
    public double Probability(double score, string group) =>
        Rules.TryGetValue(group, out var rule) ? rule.Probability(score)
            : throw new ArgumentException($"No threshold for group '{group}'; known: {string.Join(", ", Rules.Keys)}", nameof(group));

    /// <summary>Randomised decision: true with probability <see cref="Probability"/>.</summary>
    public bool Apply(double score, string group, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var p = Probability(score, group);
        return p >= 1 || (p > 0 && random.NextDouble() < p);
    }

    /// <summary>JSON text (infinite thresholds written as "Infinity" / "-Infinity").</summary>
    public string ToJson() => JsonSerializer.Serialize(this, FairnessReportJson.Options);

    /// <summary>Reads rules from JSON.</summary>
    public static GroupThresholds FromJson(string json) =>
        JsonSerializer.Deserialize(json, GroupThresholdsJson.Default.GroupThresholds) ?? throw new JsonException("Empty group thresholds.");
}

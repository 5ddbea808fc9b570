using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Warden.Core.Fairness;

namespace Warden.Core.Monitoring;

/// <summary>
/// The <c>group-thresholds</c> settings document: per-group decision rules fitted by <see cref="ThresholdOptimizer"/>
/// (Hardt, Price &amp; Srebro 2016), applied to the label output at serving time from the request's sensitive attribute.
/// Thresholds are fitted on one version's scores, so <see cref="Versions"/> binds each rule set to the version it was fitted
/// for: a version without its own is served unchanged, and cannot be promoted to production while the model has any.
/// </summary>
public sealed class GroupThresholdSettings
{
    /// <summary>Settings kind name.</summary>
    public const string Kind = "group-thresholds";

    private GroupThresholds? _rules;
    private readonly ConcurrentDictionary<string, GroupThresholds> _versionRules = new(StringComparer.Ordinal);

    /// <summary>
    /// Request attribute (<c>parameters["sensitive.&lt;attribute&gt;"]</c>) holding the group when the rules have one feature
    /// and the request names it differently; null uses the rules' feature names.
    /// </summary>
    public string? Attribute { get; set; }

    /// <summary>When true (default) a request without the attribute is refused (400); otherwise it gets the bare model.</summary>
    public bool Required { get; set; } = true;

    /// <summary>
    /// Unbound <see cref="GroupThresholds"/> JSON (from <c>ThresholdOptimizer</c>), applied to every version that has no entry in
    /// <see cref="Versions"/>. Kept for documents written before thresholds were bound to versions; prefer <see cref="Versions"/>.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement Thresholds { get; set; }

    /// <summary>Version → the <see cref="GroupThresholds"/> fitted on that version's scores, applied to that version only.</summary>
    public Dictionary<string, JsonElement>? Versions { get; set; }

    /// <summary>The parsed unbound rules.</summary>
    [JsonIgnore]
    public GroupThresholds Rules => _rules ??= GroupThresholds.FromJson(Thresholds.GetRawText());

    /// <summary>Whether any rule set is bound to a version (then every version promoted to production needs its own).</summary>
    [JsonIgnore]
    public bool BindsVersions => Versions is { Count: > 0 };

    /// <summary>The rules for <paramref name="version"/>: its own, else the unbound ones, else null (served unchanged).</summary>
    public GroupThresholds? RulesFor(string version)
    {
        if (Versions is not null && Versions.TryGetValue(version, out var bound))
        {
            return _versionRules.GetOrAdd(version, _ => GroupThresholds.FromJson(bound.GetRawText()));
        }

        return Thresholds.ValueKind == JsonValueKind.Object ? Rules : null;
    }

    /// <summary>Request attribute name for each feature of <paramref name="rules"/>, in feature order.</summary>
    public IReadOnlyList<string> RequestAttributesFor(GroupThresholds rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return Attribute is not null && rules.Features.Count == 1 ? [Attribute] : rules.Features;
    }

    /// <summary>Every problem with the document (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var hasUnbound = Thresholds.ValueKind == JsonValueKind.Object;
        if (!hasUnbound && !BindsVersions)
        {
            if (Thresholds.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                return ["thresholds: the GroupThresholds object (from ThresholdOptimizer) is required"];
            }

            return ["versions: give each version's GroupThresholds object (from ThresholdOptimizer), e.g. {\"1\": {…}}"];
        }

        var problems = new List<string>();
        if (hasUnbound)
        {
            problems.AddRange(ValidateRules("thresholds", Thresholds));
        }

        foreach (var (version, json) in Versions ?? [])
        {
            problems.AddRange(ValidateRules($"versions.{version}", json));
        }

        _rules = null;
        _versionRules.Clear();
        return problems;
    }

    private List<string> ValidateRules(string path, JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return [$"{path}: the GroupThresholds object (from ThresholdOptimizer) is required"];
        }

        try
        {
            var rules = GroupThresholds.FromJson(json.GetRawText());
            if (Settings.RequiredValues.FindMissing(rules) is { Count: > 0 } missing)
            {
                return missing.Select(m => path + "." + m).ToList();
            }

            var problems = new List<string>();
            if (rules.Features.Count == 0 || rules.Rules.Count == 0)
            {
                problems.Add($"{path}: features and rules must not be empty");
            }

            if (Attribute is not null && rules.Features.Count != 1)
            {
                problems.Add("attribute can only rename a single-feature rule set");
            }

            foreach (var (group, rule) in rules.Rules)
            {
                if (!(rule.P0 is >= 0 and <= 1) || !(rule.PIgnore is >= 0 and <= 1) || !(rule.PredictionConstant is >= 0 and <= 1))
                {
                    problems.Add($"{path}: group '{group}': probabilities must be in [0, 1]");
                }
            }

            return problems;
        }
        catch (JsonException ex)
        {
            return [$"{path}: {ex.Message}"];
        }
    }
}

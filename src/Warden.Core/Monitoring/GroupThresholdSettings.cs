using System.Text.Json;
using System.Text.Json.Serialization;
using Warden.Core.Fairness;

namespace Warden.Core.Monitoring;

/// <summary>
/// The <c>group-thresholds</c> settings document: per-group decision rules fitted by <see cref="ThresholdOptimizer"/>
/// (Hardt, Price &amp; Srebro 2016), applied to the label output at serving time from the request's sensitive attribute.
/// </summary>
public sealed class GroupThresholdSettings
{
    /// <summary>Settings kind name.</summary>
    public const string Kind = "group-thresholds";

    private GroupThresholds? _rules;

    /// <summary>
    /// Request attribute (<c>parameters["sensitive.&lt;attribute&gt;"]</c>) holding the group when the rules have one feature
    /// and the request names it differently; null uses the rules' feature names.
    /// </summary>
    public string? Attribute { get; set; }

    /// <summary>When true (default) a request without the attribute is refused (400); otherwise it gets the bare model.</summary>
    public bool Required { get; set; } = true;

    /// <summary>The <see cref="GroupThresholds"/> JSON as written by <c>ThresholdOptimizer</c> (<c>GroupThresholds.ToJson()</c>).</summary>
    public JsonElement Thresholds { get; set; }

    /// <summary>The parsed rules.</summary>
    [JsonIgnore]
    public GroupThresholds Rules => _rules ??= GroupThresholds.FromJson(Thresholds.GetRawText());

    /// <summary>Request attribute name for each rule feature, in feature order.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> RequestAttributes => Attribute is not null && Rules.Features.Count == 1 ? [Attribute] : Rules.Features;

    /// <summary>Every problem with the document (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        if (Thresholds.ValueKind != JsonValueKind.Object)
        {
            return ["thresholds: the GroupThresholds object (from ThresholdOptimizer) is required"];
        }

        try
        {
            var rules = Rules;
            if (Settings.RequiredValues.FindMissing(rules) is { Count: > 0 } missing)
            {
                _rules = null;
                return missing.Select(m => "thresholds." + m).ToList();
            }

            var problems = new List<string>();
            if (rules.Features.Count == 0 || rules.Rules.Count == 0)
            {
                problems.Add("thresholds: features and rules must not be empty");
            }

            if (Attribute is not null && rules.Features.Count != 1)
            {
                problems.Add("attribute can only rename a single-feature rule set");
            }

            foreach (var (group, rule) in rules.Rules)
            {
                if (!(rule.P0 is >= 0 and <= 1) || !(rule.PIgnore is >= 0 and <= 1) || !(rule.PredictionConstant is >= 0 and <= 1))
                {
                    problems.Add($"group '{group}': probabilities must be in [0, 1]");
                }
            }

            return problems;
        }
        catch (JsonException ex)
        {
            _rules = null;
            return [$"thresholds: {ex.Message}"];
        }
    }
}

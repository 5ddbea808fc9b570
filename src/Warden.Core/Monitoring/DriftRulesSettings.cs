using Warden.Core.Drift;

namespace Warden.Core.Monitoring;

/// <summary>
/// The <c>drift-rules</c> settings document: alert rules evaluated on schedule against the drift of the production
/// version's recent traffic; a firing rule writes a <c>drift.alert</c> audit entry and sends a <c>drift.alert</c> event.
/// </summary>
public sealed class DriftRulesSettings
{
    /// <summary>Settings kind name.</summary>
    public const string Kind = "drift-rules";

    /// <summary>Alert rules; the defaults (drift share ≥ 0.5, PSI ≥ 0.2, estimated accuracy drop ≥ 5 points) when empty.</summary>
    public List<DriftRuleSpec> Rules { get; set; } = [];

    /// <summary>Traffic of this trailing window is analysed (duration, e.g. <c>24h</c>).</summary>
    public string Window { get; set; } = "24h";

    /// <summary>How often the rules are evaluated (duration).</summary>
    public string Interval { get; set; } = "1h";

    /// <summary>Fewest logged predictions for an evaluation.</summary>
    public int MinRows { get; set; } = 100;

    /// <summary>Version to watch; the production version when null.</summary>
    public string? Version { get; set; }

    /// <summary>Ground-truth value of the positive class for realised quality; null accepts 1, true, yes.</summary>
    public string? PositiveLabel { get; set; }

    /// <summary>Share of drifted features that makes the data set drifted.</summary>
    public double DriftShare { get; set; } = 0.5;

    /// <summary>The rules to evaluate.</summary>
    public IReadOnlyList<DriftAlertRule> ToRules() => Rules.Count == 0 ? DriftAlertRule.Defaults : Rules.Select(r => r.ToRule()!).ToList();

    /// <summary>Every problem with the document (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        problems.AddRange(Rules.Where(r => r.ToRule() is null)
            .Select(r => $"rule kind '{r.Kind}' is unknown; known: {string.Join(", ", Enum.GetNames<DriftAlertKind>())}"));
        if (!TimeWindow.TryParse(Window, out _))
        {
            problems.Add($"window '{Window}' is not a duration such as 24h");
        }

        if (!TimeWindow.TryParse(Interval, out _))
        {
            problems.Add($"interval '{Interval}' is not a duration such as 1h");
        }

        if (MinRows < 1)
        {
            problems.Add("minRows must be at least 1");
        }

        if (DriftShare is <= 0 or > 1)
        {
            problems.Add("driftShare must be in (0, 1]");
        }

        return problems;
    }
}

using Warden.Core.Fairness;
using Warden.Core.Registry;

namespace Warden.Core.Monitoring;

/// <summary>
/// The <c>fairness-policy</c> settings document: the thresholds a version must meet on its labelled live traffic, how
/// often to audit, over which label window, and which stages are audited. With it set, promoting a version whose latest
/// audit fails is refused (409) unless an admin overrides with a reason.
/// </summary>
public sealed class FairnessPolicySettings
{
    /// <summary>Settings kind name.</summary>
    public const string Kind = "fairness-policy";

    /// <summary>Thresholds (metric names as in the fairness report, e.g. <c>disparate_impact</c> min 0.8).</summary>
    public List<FairnessRule> Rules { get; set; } = [];

    /// <summary>Sensitive attributes to audit; the card's when empty.</summary>
    public List<string> SensitiveFeatures { get; set; } = [];

    /// <summary>Privileged value per sensitive attribute.</summary>
    public Dictionary<string, string> Privileged { get; set; } = [];

    /// <summary>Groups smaller than this are not judged.</summary>
    public int MinGroupSize { get; set; } = 30;

    /// <summary>Bootstrap resamples (rules with <c>useInterval</c> need them).</summary>
    public int Bootstrap { get; set; } = 200;

    /// <summary>An undefined metric fails its rule.</summary>
    public bool FailOnUndefined { get; set; } = true;

    /// <summary>Labelled predictions of this window are audited (duration, e.g. <c>30d</c>).</summary>
    public string LabelWindow { get; set; } = "30d";

    /// <summary>How often scheduled audits run per version (duration, e.g. <c>24h</c>).</summary>
    public string Interval { get; set; } = "24h";

    /// <summary>Stages whose versions are audited on schedule.</summary>
    public List<string> Stages { get; set; } = [ModelStages.Staging, ModelStages.Production];

    /// <summary>Ground-truth value of the positive class; null accepts 1, true, yes.</summary>
    public string? PositiveLabel { get; set; }

    /// <summary>Decision threshold on the score; null uses the label output.</summary>
    public double? Threshold { get; set; }

    /// <summary>Fewest labelled predictions for a scheduled audit to run.</summary>
    public int MinRows { get; set; } = 1;

    /// <summary>When true, promotion is refused while the version has no audit at all.</summary>
    public bool RequireAudit { get; set; }

    /// <summary>The policy evaluated by <see cref="FairnessPolicyEvaluator"/>.</summary>
    public FairnessPolicy ToPolicy() => new()
    {
        Name = Kind,
        Rules = Rules,
        Privileged = Privileged,
        MinGroupSize = MinGroupSize,
        BootstrapResamples = Bootstrap,
        FailOnUndefined = FailOnUndefined,
    };

    /// <summary>Every problem with the document (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Rules.Count == 0)
        {
            problems.Add("rules: at least one rule is required");
        }

        var known = DisparityCalculator.Names(hasPrivileged: true).Select(n => n.Name).Append("theil_index").ToHashSet(StringComparer.Ordinal);
        foreach (var rule in Rules)
        {
            if (rule.Min is null && rule.Max is null)
            {
                problems.Add($"rule '{rule.Metric}': set min or max");
            }

            if (!known.Contains(rule.Metric) && !rule.Metric.StartsWith("generalized_entropy_index_alpha_", StringComparison.Ordinal))
            {
                problems.Add($"rule '{rule.Metric}': unknown metric (see docs/fairness.md), e.g. disparate_impact, demographic_parity_difference, equalized_odds_difference");
            }
        }

        if (MinGroupSize < 1)
        {
            problems.Add("minGroupSize must be at least 1");
        }

        if (Bootstrap is < 0 or > 10_000)
        {
            problems.Add("bootstrap must be between 0 and 10000");
        }

        if (!TimeWindow.TryParse(LabelWindow, out _))
        {
            problems.Add($"labelWindow '{LabelWindow}' is not a duration such as 30d");
        }

        if (!TimeWindow.TryParse(Interval, out _))
        {
            problems.Add($"interval '{Interval}' is not a duration such as 24h");
        }

        problems.AddRange(Stages.Where(s => !ModelStages.IsValid(s) || s == ModelStages.Archived).Select(s => $"stages: '{s}' is not staging or production"));
        if (Threshold is { } t && !(t is >= 0 and <= 1))
        {
            problems.Add("threshold must be in [0, 1]");
        }

        return problems;
    }
}

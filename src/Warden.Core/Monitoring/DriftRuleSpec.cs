using Warden.Core.Drift;

namespace Warden.Core.Monitoring;

/// <summary>One alert rule of a <c>drift-rules</c> document (a <see cref="DriftAlertRule"/> in JSON form).</summary>
public sealed class DriftRuleSpec
{
    /// <summary>A <see cref="DriftAlertKind"/> name, e.g. <c>DriftShareAtLeast</c>, <c>FeaturePsiAtLeast</c>, <c>PredictionDrifted</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>Value at or above which the rule fires.</summary>
    public double Threshold { get; set; }

    /// <summary>Feature the rule is limited to; null means any.</summary>
    public string? Feature { get; set; }

    /// <summary>The rule, or null when <see cref="Kind"/> is unknown.</summary>
    public DriftAlertRule? ToRule() =>
        Enum.TryParse<DriftAlertKind>(Kind, ignoreCase: true, out var kind) && Enum.IsDefined(kind) ? new DriftAlertRule(kind, Threshold, Feature) : null;
}

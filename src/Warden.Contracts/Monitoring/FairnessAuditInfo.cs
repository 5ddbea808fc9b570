using System.Text.Json;

namespace Warden.Contracts.Monitoring;

/// <summary>A stored fairness audit of live traffic.</summary>
public sealed class FairnessAuditInfo
{
    /// <summary>Audit id.</summary>
    public long Id { get; set; }

    /// <summary>Model name.</summary>
    public string Model { get; set; } = "";

    /// <summary>Version audited, or null for all versions.</summary>
    public string? Version { get; set; }

    /// <summary>When it ran.</summary>
    public DateTimeOffset Time { get; set; }

    /// <summary>Key id that asked for it, or <c>system</c> for scheduled audits.</summary>
    public string Actor { get; set; } = "";

    /// <summary><c>manual</c> or <c>scheduled</c>.</summary>
    public string Trigger { get; set; } = "";

    /// <summary>Labelled predictions analysed.</summary>
    public int Rows { get; set; }

    /// <summary>Policy verdict; null when no fairness policy applied.</summary>
    public bool? Passed { get; set; }

    /// <summary>Failed policy checks, e.g. <c>disparate_impact on afam: value 0.62 &lt; min 0.8</c>.</summary>
    public List<string> Failures { get; set; } = [];

    /// <summary>The full fairness report (docs/fairness.md schema); omitted in listings.</summary>
    public JsonElement? Report { get; set; }
}

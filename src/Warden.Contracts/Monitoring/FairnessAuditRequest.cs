namespace Warden.Contracts.Monitoring;

/// <summary>Body of <c>POST /api/models/{model}/fairness/reports</c>: a fairness audit over labelled logged predictions.</summary>
public sealed class FairnessAuditRequest
{
    /// <summary>Window start: a duration back from now (<c>7d</c>, <c>24h</c>, <c>30m</c>) or an ISO 8601 time; all history when null.</summary>
    public string? Since { get; set; }

    /// <summary>Only predictions served by this version; every version when null.</summary>
    public string? Version { get; set; }

    /// <summary>Sensitive attributes to audit; the card's <c>sensitiveAttributes</c> when null.</summary>
    public List<string>? SensitiveFeatures { get; set; }

    /// <summary>Privileged value per sensitive attribute (enables the AIF360 family of disparities).</summary>
    public Dictionary<string, string>? Privileged { get; set; }

    /// <summary>Decision threshold on the score output; when null the label output is the prediction (score ≥ 0.5 without one).</summary>
    public double? Threshold { get; set; }

    /// <summary>Ground-truth label value that means the positive class; when null <c>1</c>, <c>true</c> and <c>yes</c> do.</summary>
    public string? PositiveLabel { get; set; }

    /// <summary>Bootstrap resamples for intervals (default 200, 0 disables).</summary>
    public int? Bootstrap { get; set; }

    /// <summary>Groups with fewer rows are reported but not judged (default 30).</summary>
    public int? MinGroupSize { get; set; }
}

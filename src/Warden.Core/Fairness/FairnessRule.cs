namespace Warden.Core.Fairness;

/// <summary>
/// One threshold of a <see cref="FairnessPolicy"/>, e.g. <c>disparate_impact &gt;= 0.8</c> or
/// <c>equalized_odds_difference &lt;= 0.1</c>. The metric is a disparity name of the report (docs/fairness.md).
/// </summary>
public sealed record FairnessRule
{
    /// <summary>Disparity or inequality name, e.g. "disparate_impact", "theil_index".</summary>
    public required string Metric { get; init; }

    /// <summary>Smallest acceptable value (inclusive), or null.</summary>
    public double? Min { get; init; }

    /// <summary>Largest acceptable value (inclusive), or null.</summary>
    public double? Max { get; init; }

    /// <summary>Section key the rule applies to (e.g. "afam", "colour &amp; sex"); null applies it to every section.</summary>
    public string? Section { get; init; }

    /// <summary>
    /// Judge the pessimistic end of the bootstrap interval (lower bound against <see cref="Min"/>, upper against <see cref="Max"/>)
    /// instead of the point estimate, so a gate passes only when the data support it.
    /// </summary>
    public bool UseInterval { get; init; }
}

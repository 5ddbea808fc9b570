namespace Warden.Core.Fairness;

/// <summary>A named disparity with its bootstrap interval (see docs/fairness.md for every name and definition).</summary>
/// <param name="Name">Stable snake_case name, e.g. <c>demographic_parity_difference</c>, <c>selection_rate_ratio_to_overall</c>.</param>
/// <param name="Family">"fairlearn" (between groups / to overall) or "aif360" (unprivileged vs privileged) or "inequality".</param>
/// <param name="Value">Point estimate, null when undefined.</param>
/// <param name="Lower">Lower percentile bound, null without bootstrap.</param>
/// <param name="Upper">Upper percentile bound, null without bootstrap.</param>
public sealed record Disparity(string Name, string Family, double? Value, double? Lower, double? Upper);

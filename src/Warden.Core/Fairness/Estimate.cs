namespace Warden.Core.Fairness;

/// <summary>A point estimate with an optional bootstrap percentile interval; any part may be undefined (null).</summary>
/// <param name="Value">Point estimate on the full data.</param>
/// <param name="Lower">Lower percentile bound, or null without bootstrap / without defined resamples.</param>
/// <param name="Upper">Upper percentile bound.</param>
public sealed record Estimate(double? Value, double? Lower = null, double? Upper = null);

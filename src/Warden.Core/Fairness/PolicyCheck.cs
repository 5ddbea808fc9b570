namespace Warden.Core.Fairness;

/// <summary>Outcome of one rule on one section.</summary>
/// <param name="Metric">Rule metric.</param>
/// <param name="Section">Section key, "overall" for inequality indices, or null when the metric was found nowhere.</param>
/// <param name="Value">The number judged (point estimate or interval bound), null when undefined.</param>
/// <param name="Passed">Whether the rule holds.</param>
/// <param name="Reason">Human-readable explanation, e.g. "value 0.62 &lt; min 0.8".</param>
public sealed record PolicyCheck(string Metric, string? Section, double? Value, bool Passed, string Reason);

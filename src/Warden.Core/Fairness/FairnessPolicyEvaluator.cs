using System.Globalization;

namespace Warden.Core.Fairness;

/// <summary>Checks a <see cref="FairnessReport"/> against a <see cref="FairnessPolicy"/> (used to gate promotion).</summary>
public static class FairnessPolicyEvaluator
{
    /// <summary>Evaluates every rule on every matching section.</summary>
    public static PolicyEvaluation Evaluate(FairnessPolicy policy, FairnessReport report)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(report);
        var checks = new List<PolicyCheck>();
        if (report.Options.MinGroupSize < policy.MinGroupSize)
        {
            checks.Add(new PolicyCheck("min_group_size", null, report.Options.MinGroupSize, false,
                $"report used minimum group size {report.Options.MinGroupSize} < policy {policy.MinGroupSize}"));
        }

        foreach (var rule in policy.Rules)
        {
            if (rule.Min is null && rule.Max is null)
            {
                throw new ArgumentException($"Rule for '{rule.Metric}' has neither min nor max.", nameof(policy));
            }

            var found = report.Inequality.Where(d => d.Name == rule.Metric && (rule.Section is null || rule.Section == "overall"))
                .Select(d => ("overall", d))
                .Concat(report.Sections.Where(s => rule.Section is null || s.Key == rule.Section)
                    .SelectMany(s => s.Disparities.Where(d => d.Name == rule.Metric).Select(d => (s.Key, d))))
                .ToList();
            if (found.Count == 0)
            {
                checks.Add(new PolicyCheck(rule.Metric, rule.Section, null, false,
                    $"metric not in report{(rule.Section is null ? string.Empty : " section " + rule.Section)} (AIF360 metrics need a privileged group)"));
                continue;
            }

            foreach (var (section, d) in found)
            {
                checks.Add(Check(rule, section, d, policy.FailOnUndefined));
            }
        }

        return new PolicyEvaluation(checks.All(c => c.Passed), checks);
    }

    private static PolicyCheck Check(FairnessRule rule, string section, Disparity d, bool failOnUndefined)
    {
        var reasons = new List<string>();
        var passed = true;
        double? judgedValue = d.Value;
        if (rule.Min is { } min)
        {
            var v = rule.UseInterval ? d.Lower : d.Value;
            judgedValue = v;
            passed &= Compare(v, min, true, rule.UseInterval ? "lower bound" : "value", reasons, failOnUndefined);
        }

        if (rule.Max is { } max)
        {
            var v = rule.UseInterval ? d.Upper : d.Value;
            judgedValue = rule.Min is null ? v : judgedValue;
            passed &= Compare(v, max, false, rule.UseInterval ? "upper bound" : "value", reasons, failOnUndefined);
        }

        return new PolicyCheck(rule.Metric, section, judgedValue, passed, string.Join("; ", reasons));
    }

    private static bool Compare(double? v, double limit, bool isMin, string what, List<string> reasons, bool failOnUndefined)
    {
        var l = limit.ToString("0.###", CultureInfo.InvariantCulture);
        if (v is not { } x)
        {
            reasons.Add($"{what} undefined{(failOnUndefined ? string.Empty : " (ignored)")}");
            return !failOnUndefined;
        }

        var ok = isMin ? x >= limit : x <= limit;
        reasons.Add($"{what} {x.ToString("0.####", CultureInfo.InvariantCulture)} {(ok ? (isMin ? ">=" : "<=") : (isMin ? "<" : ">"))} {(isMin ? "min" : "max")} {l}");
        return ok;
    }
}

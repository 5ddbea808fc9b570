namespace Warden.Core.Fairness;

/// <summary>
/// Disparities of one partition computed from per-group confusion matrices.
/// Fairlearn (MetricFrame.difference / ratio, fairlearn.metrics 0.10+):
/// between_groups difference = max_g m_g − min_g m_g; ratio = min_g m_g / max_g m_g;
/// to_overall difference = max_g |m_g − m_all|; ratio = min_g min(m_g/m_all, m_all/m_g);
/// demographic_parity_* = selection rate between groups; equalized_odds_difference = max(TPR diff, FPR diff),
/// equalized_odds_ratio = min(TPR ratio, FPR ratio).
/// AIF360 (aif360.metrics.ClassificationMetric; Bellamy et al. 2018) with u = all judged unprivileged rows, p = privileged group:
/// statistical_parity_difference = SR_u − SR_p; disparate_impact = SR_u / SR_p; equal_opportunity_difference = TPR_u − TPR_p;
/// average_odds_difference = ½[(FPR_u − FPR_p) + (TPR_u − TPR_p)]; false_discovery_rate_difference = FDR_u − FDR_p.
/// </summary>
internal static class DisparityCalculator
{
    internal const string Fairlearn = "fairlearn";
    internal const string Aif360 = "aif360";

    private static readonly string[] Aif360Names =
    [
        "statistical_parity_difference", "disparate_impact", "equal_opportunity_difference", "average_odds_difference", "false_discovery_rate_difference",
    ];

    internal static IReadOnlyList<(string Name, string Family)> Names(bool hasPrivileged)
    {
        var names = new List<(string, string)>
        {
            ("demographic_parity_difference", Fairlearn),
            ("demographic_parity_ratio", Fairlearn),
            ("equalized_odds_difference", Fairlearn),
            ("equalized_odds_ratio", Fairlearn),
        };
        foreach (var m in FairnessMetricNames.All)
        {
            var n = FairnessMetricNames.Name(m);
            names.Add((n + "_difference_between_groups", Fairlearn));
            names.Add((n + "_ratio_between_groups", Fairlearn));
            names.Add((n + "_difference_to_overall", Fairlearn));
            names.Add((n + "_ratio_to_overall", Fairlearn));
        }

        if (hasPrivileged)
        {
            names.AddRange(Aif360Names.Select(n => (n, Aif360)));
        }

        return names;
    }

    /// <summary>Fills <paramref name="output"/> in the order of <see cref="Names"/>; NaN stands for undefined.</summary>
    internal static void Compute(ConfusionCounts[] groups, bool[] judged, int privileged, Span<double> output)
    {
        var overall = default(ConfusionCounts);
        for (var g = 0; g < groups.Length; g++)
        {
            if (judged[g])
            {
                overall += groups[g];
            }
        }

        var k = 4;
        Span<double> perMetric = stackalloc double[4];
        double srDiff = double.NaN, srRatio = double.NaN, tprDiff = double.NaN, tprRatio = double.NaN, fprDiff = double.NaN, fprRatio = double.NaN;
        foreach (var m in FairnessMetricNames.All)
        {
            Spread(groups, judged, overall, m, perMetric);
            perMetric.CopyTo(output[k..]);
            k += 4;
            switch (m)
            {
                case FairnessMetric.SelectionRate:
                    (srDiff, srRatio) = (perMetric[0], perMetric[1]);
                    break;
                case FairnessMetric.TruePositiveRate:
                    (tprDiff, tprRatio) = (perMetric[0], perMetric[1]);
                    break;
                case FairnessMetric.FalsePositiveRate:
                    (fprDiff, fprRatio) = (perMetric[0], perMetric[1]);
                    break;
                default:
                    break;
            }
        }

        output[0] = srDiff;
        output[1] = srRatio;
        output[2] = double.IsNaN(tprDiff) || double.IsNaN(fprDiff) ? double.NaN : Math.Max(tprDiff, fprDiff);
        output[3] = double.IsNaN(tprRatio) || double.IsNaN(fprRatio) ? double.NaN : Math.Min(tprRatio, fprRatio);
        if (privileged >= 0)
        {
            var p = groups[privileged];
            var u = default(ConfusionCounts);
            for (var g = 0; g < groups.Length; g++)
            {
                if (judged[g] && g != privileged)
                {
                    u += groups[g];
                }
            }

            var ok = judged[privileged];
            output[k] = ok ? Diff(u, p, FairnessMetric.SelectionRate) : double.NaN;
            var srU = u.Rate(FairnessMetric.SelectionRate);
            var srP = p.Rate(FairnessMetric.SelectionRate);
            output[k + 1] = ok && srU.HasValue && srP > 0 ? srU.Value / srP.Value : double.NaN;
            output[k + 2] = ok ? Diff(u, p, FairnessMetric.TruePositiveRate) : double.NaN;
            output[k + 3] = ok ? 0.5 * (Diff(u, p, FairnessMetric.FalsePositiveRate) + Diff(u, p, FairnessMetric.TruePositiveRate)) : double.NaN;
            output[k + 4] = ok ? Diff(u, p, FairnessMetric.FalseDiscoveryRate) : double.NaN;
        }
    }

    private static double Diff(ConfusionCounts u, ConfusionCounts p, FairnessMetric m) =>
        u.Rate(m) is { } a && p.Rate(m) is { } b ? a - b : double.NaN;

    // [difference between groups, ratio between groups, difference to overall, ratio to overall]
    private static void Spread(ConfusionCounts[] groups, bool[] judged, ConfusionCounts overall, FairnessMetric m, Span<double> result)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity, maxAbs = 0, minRatio = double.PositiveInfinity;
        var defined = 0;
        var all = overall.Rate(m);
        var overallRatioDefined = all is > 0;
        for (var g = 0; g < groups.Length; g++)
        {
            if (!judged[g] || groups[g].Rate(m) is not { } v)
            {
                continue;
            }

            defined++;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            if (all.HasValue)
            {
                maxAbs = Math.Max(maxAbs, Math.Abs(v - all.Value));
            }

            if (overallRatioDefined)
            {
                var x = v / all!.Value;
                minRatio = Math.Min(minRatio, x <= 0 ? 0 : Math.Min(x, 1 / x));
            }
        }

        // A disparity needs at least two groups to compare; with fewer it is undefined rather than a reassuring 0.
        if (defined < 2)
        {
            result.Fill(double.NaN);
            return;
        }

        result[0] = max - min;
        result[1] = max > 0 ? min / max : double.NaN;
        result[2] = all.HasValue ? maxAbs : double.NaN;
        result[3] = overallRatioDefined ? minRatio : double.NaN;
    }
}

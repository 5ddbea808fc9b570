using System.Globalization;

namespace Warden.Core.Drift;

/// <summary>A threshold rule evaluated against a <see cref="DriftReport"/>.</summary>
/// <param name="Kind">What is watched.</param>
/// <param name="Threshold">Value at or above which the rule fires (ignored for the *Drifted kinds).</param>
/// <param name="Feature">Feature the rule is limited to; null means any feature.</param>
public sealed record DriftAlertRule(DriftAlertKind Kind, double Threshold = 0, string? Feature = null)
{
    /// <summary>Drift share ≥ 0.5, PSI of any feature ≥ 0.2, estimated accuracy drop ≥ 5 points.</summary>
    public static IReadOnlyList<DriftAlertRule> Defaults { get; } =
    [
        new(DriftAlertKind.DriftShareAtLeast, 0.5),
        new(DriftAlertKind.FeaturePsiAtLeast, 0.2),
        new(DriftAlertKind.EstimatedAccuracyDropAtLeast, 0.05),
    ];

    /// <summary>Evaluates every rule; one alert per matching feature for feature rules.</summary>
    public static IReadOnlyList<DriftAlert> EvaluateAll(DriftReport report, IEnumerable<DriftAlertRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var alerts = new List<DriftAlert>();
        foreach (var rule in rules)
        {
            alerts.AddRange(rule.Evaluate(report));
        }

        return alerts;
    }

    /// <summary>Alerts this rule raises on the report (empty when it does not fire or its input is absent).</summary>
    public IReadOnlyList<DriftAlert> Evaluate(DriftReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var alerts = new List<DriftAlert>();
        switch (Kind)
        {
            case DriftAlertKind.DriftShareAtLeast:
                if (report.FeatureCount > 0 && report.DriftShare >= Threshold)
                {
                    alerts.Add(new DriftAlert(this, report.DriftShare, F($"{report.DriftedCount} of {report.FeatureCount} features drifted (share {report.DriftShare:0.###} ≥ {Threshold:0.###})")));
                }

                break;
            case DriftAlertKind.FeaturePsiAtLeast:
                foreach (var f in Matching(report))
                {
                    if (f.Psi is { } psi && psi >= Threshold)
                    {
                        alerts.Add(new DriftAlert(this, psi, F($"PSI of '{f.Name}' is {psi:0.####} ≥ {Threshold:0.###}")));
                    }
                }

                break;
            case DriftAlertKind.FeatureDrifted:
                foreach (var f in Matching(report))
                {
                    if (f.Drifted)
                    {
                        alerts.Add(new DriftAlert(this, f.Score, F($"'{f.Name}' drifted: {f.Test} score {f.Score:0.####} (threshold {f.Threshold:0.###})")));
                    }
                }

                break;
            case DriftAlertKind.PredictionDrifted:
                if (report.Prediction is { Drifted: true } p)
                {
                    alerts.Add(new DriftAlert(this, p.Score, F($"prediction '{p.Name}' drifted: {p.Test} score {p.Score:0.####} (threshold {p.Threshold:0.###})")));
                }

                break;
            case DriftAlertKind.EstimatedAccuracyDropAtLeast:
                if (report.Performance is { } est && est.Windows.Count > 0 && est.MaxEstimatedAccuracyDrop >= Threshold)
                {
                    double drop = est.MaxEstimatedAccuracyDrop;
                    alerts.Add(new DriftAlert(this, drop, F($"estimated accuracy fell {drop * 100:0.#} points below the reference {est.ReferenceAccuracy:0.###} (limit {Threshold * 100:0.#})")));
                }

                break;
            case DriftAlertKind.RealisedAccuracyDropAtLeast:
                if (report.Performance is { } real && real.RealisedAccuracy is not null && real.MaxRealisedAccuracyDrop >= Threshold)
                {
                    double drop = real.MaxRealisedAccuracyDrop;
                    alerts.Add(new DriftAlert(this, drop, F($"realised accuracy fell {drop * 100:0.#} points below the reference {real.ReferenceAccuracy:0.###} (limit {Threshold * 100:0.#})")));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(report), Kind, "Unknown alert kind.");
        }

        return alerts;
    }

    private IEnumerable<FeatureDriftResult> Matching(DriftReport report) =>
        report.Features.Where(f => Feature is null || f.Name == Feature);

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text;

namespace Warden.Training.Mitigation;

/// <summary>Renders a <see cref="MitigationReport"/> as a Markdown table.</summary>
public static class MitigationMarkdown
{
    /// <summary>The header row of <see cref="Rows"/> for the groups of <paramref name="report"/>.</summary>
    public static string Header(MitigationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var groups = report.Before.SelectionRate.Keys.Order(StringComparer.Ordinal).ToList();
        var header = "| model | accuracy | AUC | " + string.Concat(groups.Select(g => $"selection rate {g} | ")) + "DP difference | EO difference |";
        return header + "\n|" + string.Concat(Enumerable.Repeat("---|", 5 + groups.Count)) + "\n";
    }

    /// <summary>Table rows: before, after and (for a randomised result) the served deterministic rule; hold-out metrics, or the
    /// out-of-fold ones when <paramref name="crossValidated"/> is true.</summary>
    public static string Rows(MitigationReport report, bool crossValidated = false)
    {
        ArgumentNullException.ThrowIfNull(report);
        var name = report.Mitigation + (report.Mitigation is "reweighing" or "resampling" or "none" ? "" : $" ({report.Constraint})");
        var metrics = crossValidated
            ? report.CrossValidated ?? throw new ArgumentException("The report has no cross-validated metrics.", nameof(report))
            : report.Served is null ? [report.Before, report.After] : [report.Before, report.After, report.Served];
        var text = new StringBuilder();
        text.Append(Row("none (baseline)", metrics[0]));
        text.Append(Row(name, metrics[1]));
        if (metrics.Count > 2 && metrics[2] is { } served)
        {
            text.Append(Row(name + ", served deterministic rule", served));
        }

        return text.ToString();
    }

    /// <summary>The whole document: title, table and details.</summary>
    public static string Render(MitigationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(inv, $"# Mitigation: {report.Mitigation}\n\n");
        text.Append(inv, $"Constraint {report.Constraint}, seed {report.Seed}; {report.TrainRows} training rows, metrics on {report.HoldoutRows} hold-out rows ");
        text.Append(inv, $"(positive class {report.PositiveClass}; sensitive attribute {report.Attribute}).\n\n");
        text.Append(Header(report)).Append(Rows(report)).Append('\n');
        text.Append(Noise("Hold-out", report.After));
        if (report.Training is { } training)
        {
            text.Append(inv, $"In-sample (the mitigated classifier on its {report.TrainRows} training rows): accuracy {F(training.Accuracy)}, ");
            text.Append(inv, $"DP difference {F(training.DemographicParityDifference)}, EO difference {F(training.EqualizedOddsDifference)}.\n\n");
        }

        if (report.CrossValidated is not null)
        {
            text.Append(inv, $"Stratified {report.CrossValidationFolds}-fold cross-validation, out-of-fold predictions on all {report.TrainRows + report.HoldoutRows} rows:\n\n");
            text.Append(Header(report)).Append(Rows(report, crossValidated: true)).Append('\n');
            text.Append(Noise("Out-of-fold", report.CrossValidated[1]));
            if (report.CrossValidatedTraining is { Count: > 0 } folds)
            {
                text.Append(inv, $"In-sample per fold (each fold's mitigated classifier on its own training rows): accuracy {Span(folds, m => m.Accuracy)}, ");
                text.Append(inv, $"DP difference {Span(folds, m => m.DemographicParityDifference)}, EO difference {Span(folds, m => m.EqualizedOddsDifference)}.\n\n");
            }
        }

        foreach (var (key, value) in report.Details)
        {
            text.Append(inv, $"* {key}: {value}\n");
        }

        return text.ToString();
    }

    /// <summary>Group sizes and the standard errors of the differences at those sizes (the sampling-noise floor).</summary>
    private static string Noise(string rows, MitigationMetrics m)
    {
        if (m.GroupRows is null)
        {
            return "";
        }

        var sizes = string.Join(", ", m.GroupRows.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Value}"));
        return $"{rows} group rows: {sizes}; sampling standard error of the DP difference {F(m.DemographicParityStandardError)}, " +
            $"of the EO difference {F(m.EqualizedOddsStandardError)}.\n\n";
    }

    private static string Span(IReadOnlyList<MitigationMetrics> folds, Func<MitigationMetrics, double?> value)
    {
        var values = folds.Select(value).Where(v => v is not null).Select(v => v!.Value).ToList();
        return values.Count == 0 ? "n/a" : $"{F(values.Min())} to {F(values.Max())}";
    }

    private static string Row(string label, MitigationMetrics m)
    {
        var groups = m.SelectionRate.Keys.Order(StringComparer.Ordinal);
        return $"| {label} | {F(m.Accuracy)} | {F(m.Auc)} | " + string.Concat(groups.Select(g => F(m.SelectionRate[g]) + " | "))
            + $"{F(m.DemographicParityDifference)} | {F(m.EqualizedOddsDifference)} |\n";
    }

    private static string F(double? v) => v is { } x && !double.IsNaN(x) ? x.ToString("0.0000", CultureInfo.InvariantCulture) : "n/a";
}

using System.Globalization;
using System.Text;

namespace Warden.Core.Drift;

/// <summary>Markdown rendering of a <see cref="DriftReport"/>.</summary>
internal static class DriftReportMarkdown
{
    public static string Render(DriftReport report)
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        sb.AppendLine("# Drift report").AppendLine();
        sb.AppendLine(ci, $"Generated {report.GeneratedAt:yyyy-MM-dd HH:mm:ss}Z · reference {report.ReferenceRows:N0} rows · current {report.CurrentRows:N0} rows").AppendLine();
        sb.AppendLine(ci, $"**Data set drift: {(report.DatasetDrift ? "YES" : "no")}** — {report.DriftedCount} of {report.FeatureCount} features drifted (share {report.DriftShare:0.###}, threshold {report.DriftShareThreshold:0.###}).").AppendLine();
        bool psi = report.Features.Any(f => f.Psi is not null);
        sb.AppendLine(psi
            ? "| feature | kind | test | score | threshold | drifted | PSI |"
            : "| feature | kind | test | score | threshold | drifted |");
        sb.AppendLine(psi ? "|---|---|---|---:|---:|---|---:|" : "|---|---|---|---:|---:|---|");
        foreach (var f in report.Prediction is null ? report.Features : report.Features.Append(report.Prediction))
        {
            string name = f == report.Prediction ? $"{Escape(f.Name)} (prediction)" : Escape(f.Name);
            sb.Append(ci, $"| {name} | {f.Kind} | {f.Test} | {Num(f.Score)} | {f.Threshold:0.###} | {(f.Drifted ? "**yes**" : "no")} |");
            if (psi)
            {
                sb.Append(ci, $" {(f.Psi is { } p ? Num(p) : "")} |");
            }

            sb.AppendLine();
        }

        if (report.Performance is { } perf)
        {
            sb.AppendLine().AppendLine("## Model quality").AppendLine();
            sb.AppendLine(ci, $"Reference accuracy {perf.ReferenceAccuracy:0.####}, ROC AUC {Num(perf.ReferenceRocAuc)}; estimated (CBPE) accuracy {perf.EstimatedAccuracy:0.####}{(perf.RealisedAccuracy is { } ra ? string.Create(ci, $", realised {ra:0.####}") : "")}.").AppendLine();
            sb.AppendLine("| window | rows | estimated accuracy | labelled | realised accuracy | ROC AUC | log-loss | ECE |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var w in perf.Windows)
            {
                sb.AppendLine(ci, $"| {w.Index} | {w.Count} | {w.EstimatedAccuracy:0.####} | {w.LabelledCount} | {Opt(w.RealisedAccuracy)} | {Opt(w.RocAuc)} | {Opt(w.LogLoss)} | {Opt(w.ExpectedCalibrationError)} |");
            }
        }

        if (report.Alerts.Count > 0)
        {
            sb.AppendLine().AppendLine("## Alerts").AppendLine();
            foreach (var a in report.Alerts)
            {
                sb.AppendLine(ci, $"- **{a.Rule.Kind}**: {Escape(a.Message)}");
            }
        }

        return sb.ToString();
    }

    internal static string Num(double v) => double.IsNaN(v) ? "n/a" : v < 1e-4 && v > 0 ? v.ToString("0.###E+0", CultureInfo.InvariantCulture) : v.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Opt(double? v) => v is { } x ? Num(x) : "";

    private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);
}

using System.Text;

namespace Warden.Core.Fairness;

/// <summary>Renders a <see cref="FairnessReport"/> as GitHub-flavoured Markdown.</summary>
public static class FairnessMarkdownRenderer
{
    /// <summary>Markdown text of the report.</summary>
    public static string Render(FairnessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        md.AppendLine("# Fairness report").AppendLine();
        md.AppendLine($"- rows: {report.Dataset.Rows}, total weight: {ReportFormat.Num(report.Dataset.TotalWeight)}{(report.Dataset.Weighted ? " (weighted)" : string.Empty)}");
        md.AppendLine($"- sensitive features: {string.Join(", ", report.Dataset.SensitiveFeatures)}");
        if (report.Dataset.Source is not null)
        {
            md.AppendLine($"- source: {report.Dataset.Source}");
        }

        var o = report.Options;
        md.AppendLine($"- minimum group size: {o.MinGroupSize}; bootstrap: {o.BootstrapResamples} resamples, seed {o.Seed}, {ReportFormat.Num(o.ConfidenceLevel * 100)}% percentile intervals");
        md.AppendLine($"- schema version: {report.SchemaVersion}").AppendLine();
        md.AppendLine("Values are point estimates with [lower, upper] bootstrap intervals; `undefined` means the denominator is zero.").AppendLine();
        md.AppendLine("## Overall").AppendLine();
        GroupTable(md, [report.Overall]);
        md.AppendLine().AppendLine("| inequality index | value |").AppendLine("|---|---|");
        foreach (var d in report.Inequality)
        {
            md.AppendLine($"| {d.Name} | {ReportFormat.WithInterval(d.Value, d.Lower, d.Upper)} |");
        }

        foreach (var s in report.Sections)
        {
            md.AppendLine().AppendLine($"## {s.Key}").AppendLine();
            if (s.PrivilegedGroup is not null)
            {
                md.AppendLine($"Privileged group: `{s.PrivilegedGroup}`.").AppendLine();
            }

            GroupTable(md, s.Groups);
            if (s.ExcludedGroups.Count > 0)
            {
                md.AppendLine().AppendLine($"Too small to judge (fewer than {o.MinGroupSize} rows, excluded from disparities): {string.Join(", ", s.ExcludedGroups.Select(g => $"`{g}`"))}.");
            }

            md.AppendLine().AppendLine("| disparity | family | value [interval] |").AppendLine("|---|---|---|");
            foreach (var d in s.Disparities.Where(ReportFormat.IsHeadline))
            {
                md.AppendLine($"| {d.Name} | {d.Family} | {ReportFormat.WithInterval(d.Value, d.Lower, d.Upper)} |");
            }

            md.AppendLine().AppendLine("| metric | difference between groups | ratio between groups | difference to overall | ratio to overall |").AppendLine("|---|---|---|---|---|");
            foreach (var m in FairnessMetricNames.All)
            {
                var n = FairnessMetricNames.Name(m);
                md.Append($"| {n} |");
                foreach (var suffix in new[] { "_difference_between_groups", "_ratio_between_groups", "_difference_to_overall", "_ratio_to_overall" })
                {
                    var d = s.Find(n + suffix);
                    md.Append($" {ReportFormat.WithInterval(d?.Value, d?.Lower, d?.Upper)} |");
                }

                md.AppendLine();
            }
        }

        return md.ToString();
    }

    private static void GroupTable(StringBuilder md, IReadOnlyList<GroupMetrics> groups)
    {
        md.Append("| group | n | weight |");
        foreach (var (label, _) in ReportFormat.Columns)
        {
            md.Append($" {label} |");
        }

        md.AppendLine(" ECE |");
        md.Append("|---|---|---|").Append(string.Concat(Enumerable.Repeat("---|", ReportFormat.Columns.Length + 1))).AppendLine();
        foreach (var g in groups)
        {
            md.Append($"| {g.Key}{(g.TooSmall ? " (too small)" : string.Empty)} | {g.Count} | {ReportFormat.Num(g.Weight)} |");
            foreach (var (_, metric) in ReportFormat.Columns)
            {
                var e = g.Get(metric);
                md.Append($" {ReportFormat.WithInterval(e.Value, e.Lower, e.Upper)} |");
            }

            md.AppendLine($" {(g.Calibration is null ? "n/a" : ReportFormat.Num(g.CalibrationError))} |");
        }
    }
}

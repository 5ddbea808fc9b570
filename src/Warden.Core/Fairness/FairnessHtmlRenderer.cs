using System.Globalization;
using System.Net;
using System.Text;

namespace Warden.Core.Fairness;

/// <summary>
/// Renders a <see cref="FairnessReport"/> as one self-contained HTML page: inline CSS and inline SVG bar charts
/// (one per section and headline metric, a bar per group with its bootstrap interval as a whisker); no scripts or external assets.
/// </summary>
public static class FairnessHtmlRenderer
{
    private static readonly (string Label, FairnessMetric Metric)[] Charted =
    [
        ("Selection rate", FairnessMetric.SelectionRate), ("True positive rate", FairnessMetric.TruePositiveRate),
        ("False positive rate", FairnessMetric.FalsePositiveRate), ("Precision (PPV)", FairnessMetric.PositivePredictiveValue),
        ("Accuracy", FairnessMetric.Accuracy),
    ];

    /// <summary>HTML text of the report.</summary>
    public static string Render(FairnessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var h = new StringBuilder();
        h.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Fairness report</title><style>");
        h.AppendLine("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0;font-size:13px}");
        h.AppendLine("td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}th:first-child,td:first-child{text-align:left}");
        h.AppendLine(".small{color:#a33}.charts{display:flex;flex-wrap:wrap;gap:1em}svg text{font-size:11px}</style></head><body>");
        h.AppendLine("<h1>Fairness report</h1>");
        var o = report.Options;
        h.AppendLine(CultureInfo.InvariantCulture, $"<p>{report.Dataset.Rows} rows; total weight {ReportFormat.Num(report.Dataset.TotalWeight)}; sensitive features {E(string.Join(", ", report.Dataset.SensitiveFeatures))}; minimum group size {o.MinGroupSize}; {o.BootstrapResamples} bootstrap resamples (seed {o.Seed}); schema {E(report.SchemaVersion)}.</p>");
        if (report.Dataset.Source is not null)
        {
            h.AppendLine(CultureInfo.InvariantCulture, $"<p>Source: {E(report.Dataset.Source)}</p>");
        }

        h.AppendLine("<p>Whiskers and brackets are bootstrap percentile intervals; <em>undefined</em> means the denominator is zero.</p>");
        h.AppendLine("<h2>Overall</h2>");
        GroupTable(h, [report.Overall]);
        h.AppendLine("<table><tr><th>inequality index</th><th>value</th></tr>");
        foreach (var d in report.Inequality)
        {
            h.AppendLine(CultureInfo.InvariantCulture, $"<tr><td>{E(d.Name)}</td><td>{ReportFormat.WithInterval(d.Value, d.Lower, d.Upper)}</td></tr>");
        }

        h.AppendLine("</table>");
        foreach (var s in report.Sections)
        {
            h.AppendLine(CultureInfo.InvariantCulture, $"<h2>{E(s.Key)}</h2>");
            if (s.PrivilegedGroup is not null)
            {
                h.AppendLine(CultureInfo.InvariantCulture, $"<p>Privileged group: <code>{E(s.PrivilegedGroup)}</code></p>");
            }

            h.AppendLine("<div class=\"charts\">");
            foreach (var (label, metric) in Charted)
            {
                h.AppendLine(Chart(label, s.Groups, metric));
            }

            h.AppendLine("</div>");
            GroupTable(h, s.Groups);
            if (s.ExcludedGroups.Count > 0)
            {
                h.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"small\">Too small to judge (fewer than {o.MinGroupSize} rows, excluded from disparities): {E(string.Join(", ", s.ExcludedGroups))}</p>");
            }

            h.AppendLine("<table><tr><th>disparity</th><th>family</th><th>value [interval]</th></tr>");
            foreach (var d in s.Disparities)
            {
                h.AppendLine(CultureInfo.InvariantCulture, $"<tr><td>{E(d.Name)}</td><td>{E(d.Family)}</td><td>{ReportFormat.WithInterval(d.Value, d.Lower, d.Upper)}</td></tr>");
            }

            h.AppendLine("</table>");
        }

        h.AppendLine("</body></html>");
        return h.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static void GroupTable(StringBuilder h, IReadOnlyList<GroupMetrics> groups)
    {
        h.Append("<table><tr><th>group</th><th>n</th><th>weight</th>");
        foreach (var (label, _) in ReportFormat.Columns)
        {
            h.Append(CultureInfo.InvariantCulture, $"<th>{E(label)}</th>");
        }

        h.AppendLine("<th>ECE</th></tr>");
        foreach (var g in groups)
        {
            h.Append(CultureInfo.InvariantCulture, $"<tr{(g.TooSmall ? " class=\"small\"" : string.Empty)}><td>{E(g.Key)}{(g.TooSmall ? " (too small)" : string.Empty)}</td><td>{g.Count}</td><td>{ReportFormat.Num(g.Weight)}</td>");
            foreach (var (_, metric) in ReportFormat.Columns)
            {
                var e = g.Get(metric);
                h.Append(CultureInfo.InvariantCulture, $"<td>{ReportFormat.WithInterval(e.Value, e.Lower, e.Upper)}</td>");
            }

            h.AppendLine(CultureInfo.InvariantCulture, $"<td>{(g.Calibration is null ? "n/a" : ReportFormat.Num(g.CalibrationError))}</td></tr>");
        }

        h.AppendLine("</table>");
    }

    // Horizontal bars on a fixed 0..1 axis so charts of different groups and metrics compare at a glance.
    private static string Chart(string title, IReadOnlyList<GroupMetrics> groups, FairnessMetric metric)
    {
        const double left = 150, width = 220, row = 22, top = 24;
        var height = top + (groups.Count * row) + 20;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(left + width + 60)}\" height=\"{F(height)}\" role=\"img\" aria-label=\"{E(title)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"14\" font-weight=\"bold\">{E(title)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(left)}\" y1=\"{F(top - 4)}\" x2=\"{F(left)}\" y2=\"{F(height - 16)}\" stroke=\"#888\"/>");
        for (var i = 0; i < groups.Count; i++)
        {
            var g = groups[i];
            var e = g.Get(metric);
            var y = top + (i * row);
            var label = g.Key.Length > 24 ? g.Key[..23] + "…" : g.Key;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{F(y + 12)}\"{(g.TooSmall ? " fill=\"#a33\"" : string.Empty)}><title>{E(g.Key)}</title>{E(label)}</text>");
            if (e.Value is not { } v)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left + 4)}\" y=\"{F(y + 12)}\" fill=\"#777\">undefined</text>");
                continue;
            }

            var fill = g.TooSmall ? "#d9b3b3" : "#4a7fb5";
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(left)}\" y=\"{F(y + 3)}\" width=\"{F(Math.Clamp(v, 0, 1) * width)}\" height=\"{F(row - 8)}\" fill=\"{fill}\"/>");
            if (e.Lower is { } lo && e.Upper is { } hi)
            {
                double x1 = left + (Math.Clamp(lo, 0, 1) * width), x2 = left + (Math.Clamp(hi, 0, 1) * width), ym = y + (row / 2) - 1;
                svg.Append(CultureInfo.InvariantCulture, $"<g stroke=\"#222\"><line x1=\"{F(x1)}\" y1=\"{F(ym)}\" x2=\"{F(x2)}\" y2=\"{F(ym)}\"/><line x1=\"{F(x1)}\" y1=\"{F(ym - 4)}\" x2=\"{F(x1)}\" y2=\"{F(ym + 4)}\"/><line x1=\"{F(x2)}\" y1=\"{F(ym - 4)}\" x2=\"{F(x2)}\" y2=\"{F(ym + 4)}\"/></g>");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left + width + 6)}\" y=\"{F(y + 12)}\">{ReportFormat.Num(v)}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left)}\" y=\"{F(height - 4)}\">0</text><text x=\"{F(left + width - 6)}\" y=\"{F(height - 4)}\">1</text></svg>");
        return svg.ToString();
    }
}

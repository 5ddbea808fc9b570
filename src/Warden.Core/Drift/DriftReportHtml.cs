using System.Globalization;
using System.Net;
using System.Text;

namespace Warden.Core.Drift;

/// <summary>Self-contained HTML rendering of a <see cref="DriftReport"/>: inline CSS and one SVG histogram per feature.</summary>
internal static class DriftReportHtml
{
    private const int Width = 520;
    private const int Height = 160;
    private const int Pad = 24;

    public static string Render(DriftReport report)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Warden drift report</title>");
        sb.AppendLine("<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
            + ".drift{color:#b00020;font-weight:bold}.ok{color:#1b5e20}.feature{margin:1.5em 0}.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}</style></head><body>");
        sb.AppendLine("<h1>Drift report</h1>");
        sb.AppendLine(ci, $"<p>Generated {report.GeneratedAt:yyyy-MM-dd HH:mm:ss}Z &middot; reference {report.ReferenceRows:N0} rows &middot; current {report.CurrentRows:N0} rows</p>");
        sb.AppendLine(ci, $"<p class=\"{(report.DatasetDrift ? "drift" : "ok")}\">Data set drift: {(report.DatasetDrift ? "YES" : "no")} &mdash; {report.DriftedCount} of {report.FeatureCount} features drifted (share {report.DriftShare:0.###}, threshold {report.DriftShareThreshold:0.###})</p>");
        if (report.Alerts.Count > 0)
        {
            sb.AppendLine("<h2>Alerts</h2><ul>");
            foreach (var a in report.Alerts)
            {
                sb.AppendLine(ci, $"<li class=\"drift\">{E(a.Rule.Kind.ToString())}: {E(a.Message)}</li>");
            }

            sb.AppendLine("</ul>");
        }

        sb.AppendLine("<table><tr><th>feature</th><th>kind</th><th>test</th><th>score</th><th>threshold</th><th>drifted</th><th>PSI</th></tr>");
        var all = report.Prediction is null ? report.Features : report.Features.Append(report.Prediction).ToList();
        foreach (var f in all)
        {
            string name = f == report.Prediction ? f.Name + " (prediction)" : f.Name;
            sb.AppendLine(ci, $"<tr><td><a href=\"#f-{Id(f.Name)}\">{E(name)}</a></td><td>{f.Kind}</td><td>{f.Test}</td><td>{DriftReportMarkdown.Num(f.Score)}</td><td>{f.Threshold:0.###}</td><td class=\"{(f.Drifted ? "drift" : "ok")}\">{(f.Drifted ? "yes" : "no")}</td><td>{(f.Psi is { } p ? DriftReportMarkdown.Num(p) : "")}</td></tr>");
        }

        sb.AppendLine("</table>");
        if (report.Performance is { } perf)
        {
            sb.AppendLine("<h2>Model quality</h2>");
            sb.AppendLine(ci, $"<p>Reference accuracy {perf.ReferenceAccuracy:0.####}; estimated (CBPE) accuracy {perf.EstimatedAccuracy:0.####}{(perf.RealisedAccuracy is { } ra ? string.Create(ci, $"; realised {ra:0.####}") : "")}</p>");
            sb.AppendLine("<table><tr><th>window</th><th>rows</th><th>estimated accuracy</th><th>labelled</th><th>realised accuracy</th><th>ROC AUC</th><th>log-loss</th><th>ECE</th></tr>");
            foreach (var w in perf.Windows)
            {
                sb.AppendLine(ci, $"<tr><td>{w.Index}</td><td>{w.Count}</td><td>{w.EstimatedAccuracy:0.####}</td><td>{w.LabelledCount}</td><td>{Opt(w.RealisedAccuracy)}</td><td>{Opt(w.RocAuc)}</td><td>{Opt(w.LogLoss)}</td><td>{Opt(w.ExpectedCalibrationError)}</td></tr>");
            }

            sb.AppendLine("</table>");
        }

        sb.AppendLine("<h2>Distributions</h2><p class=\"legend\"><span style=\"background:#4e79a7\"></span>reference<span style=\"background:#f28e2b\"></span>current</p>");
        foreach (var f in all)
        {
            sb.AppendLine(ci, $"<div class=\"feature\" id=\"f-{Id(f.Name)}\"><h3>{E(f.Name)} <small>({f.Test}, score {DriftReportMarkdown.Num(f.Score)})</small></h3>");
            if (f.Histogram is { } h)
            {
                AppendSvg(sb, f.Name, h);
            }

            sb.AppendLine("</div>");
        }

        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    private static void AppendSvg(StringBuilder sb, string name, BinnedDistribution h)
    {
        var ci = CultureInfo.InvariantCulture;
        double[] r = h.ReferenceShares(), c = h.CurrentShares();
        double max = 1e-12;
        for (int k = 0; k < r.Length; k++)
        {
            max = Math.Max(max, Math.Max(r[k], c[k]));
        }

        int bins = r.Length;
        double plotW = Width - (2 * Pad), plotH = Height - (2 * Pad);
        double slot = plotW / Math.Max(bins, 1);
        double bar = Math.Max(slot / 2 - 1, 0.5);
        sb.AppendLine(ci, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"{E(name)} histogram\">");
        sb.AppendLine(ci, $"<line x1=\"{Pad}\" y1=\"{Height - Pad}\" x2=\"{Width - Pad}\" y2=\"{Height - Pad}\" stroke=\"#888\"/>");
        for (int k = 0; k < bins; k++)
        {
            double x = Pad + (k * slot);
            double rh = r[k] / max * plotH, ch = c[k] / max * plotH;
            string label = E(h.Labels[k]);
            sb.AppendLine(ci, $"<rect x=\"{x:0.##}\" y=\"{Height - Pad - rh:0.##}\" width=\"{bar:0.##}\" height=\"{rh:0.##}\" fill=\"#4e79a7\"><title>{label}: reference {r[k]:P1}</title></rect>");
            sb.AppendLine(ci, $"<rect x=\"{x + bar:0.##}\" y=\"{Height - Pad - ch:0.##}\" width=\"{bar:0.##}\" height=\"{ch:0.##}\" fill=\"#f28e2b\"><title>{label}: current {c[k]:P1}</title></rect>");
        }

        sb.AppendLine(ci, $"<text x=\"{Pad}\" y=\"{Height - 6}\" font-size=\"10\">{E(h.Labels[0])}</text>");
        sb.AppendLine(ci, $"<text x=\"{Width - Pad}\" y=\"{Height - 6}\" font-size=\"10\" text-anchor=\"end\">{E(h.Labels[^1])}</text>");
        sb.AppendLine(ci, $"<text x=\"{Pad}\" y=\"{Pad - 8}\" font-size=\"10\">max share {max:P1}</text>");
        sb.AppendLine("</svg>");
    }

    private static string Opt(double? v) => v is { } x ? DriftReportMarkdown.Num(x) : "";

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string Id(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char ch in s)
        {
            sb.Append(char.IsAsciiLetterOrDigit(ch) ? ch : '-');
        }

        return sb.ToString();
    }
}

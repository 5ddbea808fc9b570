using System.Net;
using System.Text;

namespace Warden.Core.Registry;

/// <summary>
/// Renders a <see cref="ModelCardReport"/> as one self-contained HTML page (inline CSS, no scripts, no external resources).
/// Every piece of card text goes through <see cref="WebUtility.HtmlEncode(string)"/>, so a card cannot inject markup.
/// </summary>
public static class ModelCardHtml
{
    private const string Style =
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}" +
        "h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;margin-top:2rem}table{border-collapse:collapse;margin:.5rem 0 1rem}" +
        "th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}" +
        "dt{font-weight:600}dd{margin:0 0 .4rem 1rem}caption{text-align:left;font-weight:600;padding:.25rem 0}";

    /// <summary>The HTML page.</summary>
    public static string Render(ModelCardReport report)
    {
        var title = $"Model card: {report.Record.Model} version {report.Record.Version}";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
            .Append(Style).Append("</style></head><body>\n<h1>").Append(E(title)).Append("</h1>\n");
        foreach (var section in report.Sections())
        {
            html.Append("<section><h2>").Append(E(section.Title)).Append("</h2>\n");
            foreach (var paragraph in section.Paragraphs)
            {
                html.Append("<p>").Append(E(paragraph)).Append("</p>\n");
            }

            if (section.Facts.Count > 0)
            {
                html.Append("<dl>");
                foreach (var (label, value) in section.Facts)
                {
                    html.Append("<dt>").Append(E(label)).Append("</dt><dd>").Append(E(value)).Append("</dd>");
                }

                html.Append("</dl>\n");
            }

            foreach (var (label, items) in section.Lists)
            {
                html.Append("<h3>").Append(E(label)).Append("</h3>");
                if (items.Count == 0)
                {
                    html.Append("<p>None stated.</p>\n");
                    continue;
                }

                html.Append("<ul>");
                foreach (var item in items)
                {
                    html.Append("<li>").Append(E(item)).Append("</li>");
                }

                html.Append("</ul>\n");
            }

            foreach (var table in section.Tables)
            {
                if (table.Rows.Count == 0)
                {
                    html.Append("<h3>").Append(E(table.Caption)).Append("</h3><p>None.</p>\n");
                    continue;
                }

                html.Append("<table><caption>").Append(E(table.Caption)).Append("</caption><thead><tr>");
                foreach (var header in table.Headers)
                {
                    html.Append("<th>").Append(E(header)).Append("</th>");
                }

                html.Append("</tr></thead><tbody>");
                foreach (var row in table.Rows)
                {
                    html.Append("<tr>");
                    foreach (var cell in row)
                    {
                        html.Append("<td>").Append(E(cell)).Append("</td>");
                    }

                    html.Append("</tr>");
                }

                html.Append("</tbody></table>\n");
            }

            html.Append("</section>\n");
        }

        return html.Append("</body></html>\n").ToString();
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);
}

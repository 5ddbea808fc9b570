using System.Text;

namespace Warden.Core.Registry;

/// <summary>
/// Renders a <see cref="ModelCardReport"/> as GitHub-flavoured Markdown. Card text is escaped: <c>&lt;</c>, <c>&gt;</c> and
/// <c>&amp;</c> become entities (Markdown viewers pass raw HTML through, so a card must not be able to inject markup) and
/// table cells escape <c>|</c> and line breaks.
/// </summary>
public static class ModelCardMarkdown
{
    /// <summary>The Markdown text.</summary>
    public static string Render(ModelCardReport report)
    {
        var md = new StringBuilder();
        md.Append("# Model card: ").Append(Text(report.Record.Model)).Append(" version ").Append(Text(report.Record.Version)).Append("\n\n");
        foreach (var section in report.Sections())
        {
            md.Append("## ").Append(Text(section.Title)).Append("\n\n");
            foreach (var paragraph in section.Paragraphs)
            {
                md.Append(Text(paragraph)).Append("\n\n");
            }

            foreach (var (label, value) in section.Facts)
            {
                md.Append("- **").Append(Text(label)).Append("**: ").Append(Text(value)).Append('\n');
            }

            if (section.Facts.Count > 0)
            {
                md.Append('\n');
            }

            foreach (var (label, items) in section.Lists)
            {
                md.Append("### ").Append(Text(label)).Append("\n\n");
                if (items.Count == 0)
                {
                    md.Append("None stated.\n\n");
                    continue;
                }

                foreach (var item in items)
                {
                    md.Append("- ").Append(Text(item)).Append('\n');
                }

                md.Append('\n');
            }

            foreach (var table in section.Tables)
            {
                md.Append("### ").Append(Text(table.Caption)).Append("\n\n");
                if (table.Rows.Count == 0)
                {
                    md.Append("None.\n\n");
                    continue;
                }

                md.Append("| ").AppendJoin(" | ", table.Headers.Select(Cell)).Append(" |\n");
                md.Append('|').AppendJoin("", table.Headers.Select(_ => "---|")).Append('\n');
                foreach (var row in table.Rows)
                {
                    md.Append("| ").AppendJoin(" | ", row.Select(Cell)).Append(" |\n");
                }

                md.Append('\n');
            }
        }

        return md.ToString();
    }

    private static string Text(string value) => value.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Cell(string value) => Text(value).Replace("|", "\\|", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal);
}

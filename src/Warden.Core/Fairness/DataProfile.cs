using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Warden.Core.Fairness;

/// <summary>Data representation report produced by <see cref="DataProfiler"/> (schema in docs/fairness.md).</summary>
public sealed record DataProfile
{
    /// <summary>Schema version written by this code.</summary>
    public const string CurrentSchemaVersion = "1.0";

    /// <summary>Schema version of this document.</summary>
    public string SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Rows profiled.</summary>
    public required long Rows { get; init; }

    /// <summary>Label column, if any.</summary>
    public string? Label { get; init; }

    /// <summary>Overall base rate, if a label was given.</summary>
    public double? BaseRate { get; init; }

    /// <summary>Column → overall missing fraction.</summary>
    public required IReadOnlyDictionary<string, double> MissingRates { get; init; }

    /// <summary>One entry per sensitive feature, then the intersection.</summary>
    public required IReadOnlyList<FeatureProfile> Features { get; init; }

    /// <summary>Keys of all flagged groups.</summary>
    public IReadOnlyList<string> UnderRepresented => Features.SelectMany(f => f.Groups).Where(g => g.UnderRepresented).Select(g => g.Key).ToList();

    /// <summary>JSON text (camelCase, nulls written).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, FairnessReportJson.Options);

    /// <summary>Markdown text.</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine("# Data representation profile").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- rows: {Rows}");
        if (Label is not null)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- label: {Label}, base rate {ReportFormat.Num(BaseRate)}");
        }

        var missing = MissingRates.Where(kv => kv.Value > 0).Select(kv => $"{kv.Key} {ReportFormat.Num(kv.Value)}").ToList();
        md.AppendLine(CultureInfo.InvariantCulture, $"- columns with missing values: {(missing.Count == 0 ? "none" : string.Join(", ", missing))}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- under-represented groups: {(UnderRepresented.Count == 0 ? "none" : string.Join(", ", UnderRepresented.Select(k => $"`{k}`")))}");
        foreach (var f in Features)
        {
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## {f.Key}").AppendLine();
            md.AppendLine("| group | n | share | reference | share/reference | base rate | max missing | flagged |").AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var g in f.Groups)
            {
                var worst = g.MissingRates.OrderByDescending(kv => kv.Value).FirstOrDefault();
                var worstText = worst.Key is null || worst.Value == 0 ? "0" : $"{worst.Key} {ReportFormat.Num(worst.Value)}";
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {g.Key} | {g.Count} | {ReportFormat.Num((double?)g.Share)} | {Opt(g.ReferenceShare)} | {Opt(g.ShareRatio)} | {Opt(g.BaseRate)} | {worstText} | {(g.UnderRepresented ? string.Join("; ", g.Reasons) : "no")} |");
            }
        }

        return md.ToString();

        static string Opt(double? v) => v is null ? "–" : ReportFormat.Num(v);
    }
}

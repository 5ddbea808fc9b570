using System.Text.Json;

namespace Warden.Core.Drift;

/// <summary>
/// Outcome of a drift analysis: per-feature results, prediction drift, the data set verdict, optional quality
/// monitoring and evaluated alerts. Renders as JSON (versioned by <see cref="SchemaVersion"/>, JSON Schema in
/// docs/drift-report.schema.json), Markdown, or self-contained HTML with inline SVG histograms.
/// </summary>
public sealed record DriftReport
{
    /// <summary>Version of this JSON layout.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Layout version; readers reject versions they do not know.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>When the analysis ran (from the injected <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset GeneratedAt { get; init; }

    /// <summary>Rows in the full reference data set.</summary>
    public long ReferenceRows { get; init; }

    /// <summary>Rows in the current data set.</summary>
    public long CurrentRows { get; init; }

    /// <summary>Share of drifted features at which the data set counts as drifted.</summary>
    public double DriftShareThreshold { get; init; }

    /// <summary>Features tested (prediction excluded).</summary>
    public int FeatureCount { get; init; }

    /// <summary>Features whose test reported drift.</summary>
    public int DriftedCount { get; init; }

    /// <summary>DriftedCount / FeatureCount.</summary>
    public double DriftShare { get; init; }

    /// <summary>DriftShare ≥ DriftShareThreshold.</summary>
    public bool DatasetDrift { get; init; }

    /// <summary>Per-feature results in the requested order.</summary>
    public IReadOnlyList<FeatureDriftResult> Features { get; init; } = [];

    /// <summary>Drift of the model's score or predicted label, when a prediction column was given.</summary>
    public FeatureDriftResult? Prediction { get; init; }

    /// <summary>Estimated and realised quality, when scores (and possibly labels) were supplied.</summary>
    public PerformanceReport? Performance { get; init; }

    /// <summary>Alerts raised by <see cref="DriftAlertRule"/>s.</summary>
    public IReadOnlyList<DriftAlert> Alerts { get; init; } = [];

    /// <summary>Serialises to indented camelCase JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, DriftJson.Options);

    /// <summary>Parses JSON written by <see cref="ToJson"/>.</summary>
    public static DriftReport FromJson(string json)
    {
        var report = JsonSerializer.Deserialize<DriftReport>(json, DriftJson.Options)
            ?? throw new FormatException("Empty drift report JSON.");
        if (report.SchemaVersion != CurrentSchemaVersion)
        {
            throw new FormatException($"Unsupported drift report schemaVersion {report.SchemaVersion}; expected {CurrentSchemaVersion}.");
        }

        return report;
    }

    /// <summary>GitHub-flavoured Markdown summary.</summary>
    public string ToMarkdown() => DriftReportMarkdown.Render(this);

    /// <summary>Self-contained HTML page (no scripts, no external resources).</summary>
    public string ToHtml() => DriftReportHtml.Render(this);
}

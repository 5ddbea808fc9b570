namespace Warden.Core.Fairness;

/// <summary>
/// Result of <see cref="FairnessAnalyzer.Analyze"/>. Serialised by <see cref="FairnessReportJson"/>;
/// the schema (version <see cref="CurrentSchemaVersion"/>) is documented in docs/fairness.md.
/// </summary>
public sealed record FairnessReport
{
    /// <summary>Schema version written by this code.</summary>
    public const string CurrentSchemaVersion = "1.0";

    /// <summary>Schema version of this document.</summary>
    public string SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Data summary.</summary>
    public required DatasetSummary Dataset { get; init; }

    /// <summary>Settings used.</summary>
    public required FairnessOptions Options { get; init; }

    /// <summary>Metrics on all rows.</summary>
    public required GroupMetrics Overall { get; init; }

    /// <summary>Theil and generalised entropy indices over all rows.</summary>
    public required IReadOnlyList<Disparity> Inequality { get; init; }

    /// <summary>One section per sensitive feature, then the intersection.</summary>
    public required IReadOnlyList<FairnessSection> Sections { get; init; }

    /// <summary>The section with this key (e.g. "afam" or "colour &amp; sex"), or null.</summary>
    public FairnessSection? Section(string key) => Sections.FirstOrDefault(s => s.Key == key);
}

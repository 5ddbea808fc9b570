namespace Warden.Core.Fairness;

/// <summary>Size and shape of the analysed data.</summary>
public sealed record DatasetSummary
{
    /// <summary>Number of rows.</summary>
    public required long Rows { get; init; }

    /// <summary>Total sample weight.</summary>
    public required double TotalWeight { get; init; }

    /// <summary>Whether sample weights were supplied.</summary>
    public required bool Weighted { get; init; }

    /// <summary>Whether scores were supplied (calibration present).</summary>
    public required bool HasScores { get; init; }

    /// <summary>Sensitive features analysed.</summary>
    public required IReadOnlyList<string> SensitiveFeatures { get; init; }

    /// <summary>
    /// Rows left out because a sensitive attribute was missing (live audits of logged traffic); null where every row
    /// carries its attributes by construction (a CSV or a held-out set).
    /// </summary>
    public long? ExcludedMissingSensitive { get; init; }

    /// <summary>Free-form description of where labels and predictions came from (e.g. the CLI arguments).</summary>
    public string? Source { get; init; }
}

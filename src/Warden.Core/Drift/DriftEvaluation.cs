namespace Warden.Core.Drift;

/// <summary>
/// One stored drift evaluation (a scheduled run of a model's <c>drift-rules</c>): when, over which window, the dataset-level
/// result and every feature's test, score and threshold, so drift can be charted over time after restarts and on every replica.
/// </summary>
public sealed record DriftEvaluation
{
    /// <summary>Store-assigned id (0 before it is stored).</summary>
    public long Id { get; init; }

    /// <summary>Model name.</summary>
    public required string Model { get; init; }

    /// <summary>Version whose traffic was tested.</summary>
    public required string Version { get; init; }

    /// <summary>When the evaluation ran.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>Start of the window of logged traffic tested.</summary>
    public DateTimeOffset? WindowStart { get; init; }

    /// <summary>Logged rows tested.</summary>
    public long Rows { get; init; }

    /// <summary>Share of features that drifted.</summary>
    public double DriftShare { get; init; }

    /// <summary>True when the share reached the dataset threshold.</summary>
    public bool DatasetDrift { get; init; }

    /// <summary>Alerts the rules raised on this evaluation.</summary>
    public int Alerts { get; init; }

    /// <summary>Each feature's (and the prediction's) test outcome.</summary>
    public IReadOnlyList<DriftFeatureScore> Features { get; init; } = [];
}

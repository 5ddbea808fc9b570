using System.ComponentModel.DataAnnotations;

namespace Warden.Core.Predictions;

/// <summary>Prediction log settings (<c>Warden:PredictionLog</c>).</summary>
public sealed class PredictionLogOptions
{
    /// <summary>Record every inference. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Records that may wait in memory for the writer; when full, inference answers 503 rather than drop a record. Default 20,000.</summary>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>Most records written in one transaction. Default 1,000.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1_000;

    /// <summary>Longest a record waits before it is written, in milliseconds; a crash can lose at most this much. Default 200.</summary>
    [Range(1, 60_000)]
    public int FlushIntervalMs { get; set; } = 200;
}

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

    /// <summary>
    /// Under <see cref="PredictionDurability.Async"/>: longest a record waits before it is written, in milliseconds; a crash
    /// can lose about this much traffic. Default 200. Not used under <see cref="PredictionDurability.Acknowledged"/>.
    /// </summary>
    [Range(1, 60_000)]
    public int FlushIntervalMs { get; set; } = 200;

    /// <summary>Whether an answer waits for its record's commit. Default <see cref="PredictionDurability.Acknowledged"/>.</summary>
    public PredictionDurability Durability { get; set; } = PredictionDurability.Acknowledged;

    /// <summary>
    /// Under <see cref="PredictionDurability.Acknowledged"/>: longest a batch stays open for more records after its first
    /// one, in milliseconds (group commit). It stays open only while other inferences are under way (their records could
    /// join it); with none, it commits at once. Records arriving while a commit runs join the next batch anyway, so a
    /// short interval is enough. 0 commits whatever is queued at once. Default 2.
    /// </summary>
    [Range(0, 1_000)]
    public int CommitIntervalMs { get; set; } = 2;

    /// <summary>
    /// Under <see cref="PredictionDurability.Acknowledged"/>: longest a request waits for its commit before it answers 503
    /// (the store is failing or stalled), in milliseconds. Default 10,000.
    /// </summary>
    [Range(1, 600_000)]
    public int CommitTimeoutMs { get; set; } = 10_000;

    /// <summary>
    /// Under <see cref="PredictionDurability.Acknowledged"/> on the embedded SQLite store: whether the WAL is fsynced inside
    /// each commit or after it, by one sync shared by the commits made meanwhile. Default <see cref="PredictionLogSync.Pipelined"/>.
    /// </summary>
    public PredictionLogSync SyncMode { get; set; } = PredictionLogSync.Pipelined;

    /// <summary>
    /// Numeric tensors of at least this many elements are stored as base64 of their raw little-endian bytes rather than as
    /// a JSON number array (an image input: 0.8 MB instead of 1.5 MB, and no text formatting on the request's path). Every
    /// reader and API returns them as the same V2 JSON as before; the stored column is what changes. 0 stores every
    /// tensor as JSON, for a database that replicas of a build without this form also read. Default 1,024.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int CompactTensorElements { get; set; } = 1_024;
}

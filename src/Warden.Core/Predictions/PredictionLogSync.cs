namespace Warden.Core.Predictions;

/// <summary>
/// How the embedded SQLite store makes an acknowledged batch durable (<c>Warden:PredictionLog:SyncMode</c>). Either way an
/// answer under <see cref="PredictionDurability.Acknowledged"/> is sent only once its record is on disk; the modes differ
/// in where the fsync runs. Other stores (PostgreSQL) and <see cref="PredictionDurability.Async"/> ignore it.
/// </summary>
public enum PredictionLogSync
{
    /// <summary>
    /// The log's commits return without an fsync (<c>synchronous=NORMAL</c>); one fsync of the WAL file, started after
    /// they returned, then covers every commit made before it (group sync), and the writer commits the next batch while it
    /// runs. The default.
    /// </summary>
    Pipelined,

    /// <summary>Each commit fsyncs the WAL before it returns (<c>synchronous=FULL</c>), and the writer waits for it.</summary>
    Commit,
}

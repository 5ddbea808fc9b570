namespace Warden.Core.Predictions;

/// <summary>When an inference is answered relative to the commit of its prediction record (<c>Warden:PredictionLog:Durability</c>).</summary>
public enum PredictionDurability
{
    /// <summary>
    /// The answer waits until the batch holding the record is committed (fsynced) by the store: a 2xx means the record
    /// survives a crash of the process or the machine. The default.
    /// </summary>
    Acknowledged,

    /// <summary>
    /// The answer is sent once the record is queued; the writer commits it shortly after. Faster, but a crash loses the
    /// records still queued (up to about <see cref="PredictionLogOptions.FlushIntervalMs"/> of traffic).
    /// </summary>
    Async,
}

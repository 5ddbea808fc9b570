namespace Warden.Core.Audit;

/// <summary>Audit checkpoint settings (<c>Warden:Audit</c>).</summary>
public sealed class AuditCheckpointOptions
{
    /// <summary>
    /// PEM file with the ECDSA P-256 private key that signs checkpoints. Unset: <c>audit-checkpoint-key.pem</c> in the
    /// data directory, created on first use. Keep it away from the database's writers, or they can sign a rewritten chain.
    /// </summary>
    public string? CheckpointKeyFile { get; set; }

    /// <summary>
    /// Directory of the append-only <c>checkpoints.jsonl</c> (one signed checkpoint per line). Unset:
    /// <c>checkpoints</c> in the data directory. Point it at storage the database's writers cannot rewrite.
    /// </summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>
    /// Minutes between scheduled checkpoints (0 turns the schedule off). A tick signs a checkpoint only when the chain grew
    /// since the last one, so an idle server does not fill the log.
    /// </summary>
    public double IntervalMinutes { get; set; } = 60;
}

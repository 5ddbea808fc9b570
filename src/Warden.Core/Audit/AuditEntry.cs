namespace Warden.Core.Audit;

/// <summary>One entry of the audit chain. <see cref="DetailsJson"/> is canonical JSON (sorted keys, no spaces).</summary>
public sealed record AuditEntry(
    long Sequence,
    DateTimeOffset Time,
    string Actor,
    string Action,
    string Target,
    string DetailsJson,
    string PreviousHash,
    string Hash);

using System.Text.Json;

namespace Warden.Contracts.Admin;

/// <summary>One entry of the hash-chained audit log.</summary>
public sealed class AuditEntryInfo
{
    /// <summary>Position in the chain, from 1.</summary>
    public long Sequence { get; set; }

    /// <summary>When it was appended.</summary>
    public DateTimeOffset Time { get; set; }

    /// <summary>Key id (or <c>system</c>) that acted.</summary>
    public string Actor { get; set; } = "";

    /// <summary>Action, e.g. <c>model.deploy</c>.</summary>
    public string Action { get; set; } = "";

    /// <summary>What was acted on, e.g. <c>credit-risk:2</c>.</summary>
    public string Target { get; set; } = "";

    /// <summary>Action details.</summary>
    public JsonElement Details { get; set; }

    /// <summary>Hash of the previous entry (hex), zeros for the first.</summary>
    public string PreviousHash { get; set; } = "";

    /// <summary>SHA-256 over the previous hash and this entry's canonical JSON (hex).</summary>
    public string Hash { get; set; } = "";
}

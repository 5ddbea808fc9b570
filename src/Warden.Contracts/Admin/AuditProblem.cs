namespace Warden.Contracts.Admin;

/// <summary>One break in the audit chain.</summary>
public sealed class AuditProblem
{
    /// <summary>Sequence number of the entry where the break shows.</summary>
    public long Sequence { get; set; }

    /// <summary><c>edited</c>, <c>deleted</c>, <c>inserted</c> or <c>reordered</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>Explanation.</summary>
    public string Message { get; set; } = "";
}

namespace Warden.Contracts.Admin;

/// <summary>Result of verifying the audit chain.</summary>
public sealed class AuditVerification
{
    /// <summary>True when every entry links and hashes correctly.</summary>
    public bool Valid { get; set; }

    /// <summary>Number of entries checked.</summary>
    public long EntriesChecked { get; set; }

    /// <summary>Each problem found, naming the entry.</summary>
    public List<AuditProblem> Problems { get; set; } = [];
}

namespace Warden.Contracts.Privacy;

/// <summary>What one re-encryption run did (<c>POST /api/privacy/reencrypt</c>).</summary>
public sealed class ReencryptionInfo
{
    /// <summary>Key the rows are now under.</summary>
    public int ActiveKeyId { get; set; }

    /// <summary>Prediction rows re-written.</summary>
    public long Predictions { get; set; }

    /// <summary>Review item rows re-written.</summary>
    public long ReviewItems { get; set; }

    /// <summary>Transactions committed.</summary>
    public int Batches { get; set; }

    /// <summary>Rows still not under the active key afterwards, per table and key (normally empty).</summary>
    public List<PayloadKeyCountInfo> Remaining { get; set; } = [];
}

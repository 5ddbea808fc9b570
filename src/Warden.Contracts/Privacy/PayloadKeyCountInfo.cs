namespace Warden.Contracts.Privacy;

/// <summary>How many rows of a table hold payloads under one key.</summary>
public sealed class PayloadKeyCountInfo
{
    /// <summary>Table name (<c>predictions</c>, <c>review_items</c>).</summary>
    public string Table { get; set; } = "";

    /// <summary>Payload key id, or null for rows stored in clear.</summary>
    public int? KeyId { get; set; }

    /// <summary>Number of rows.</summary>
    public long Rows { get; set; }
}

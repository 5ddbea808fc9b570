namespace Warden.Contracts.Privacy;

/// <summary>How many rows of a table hold payloads under one key, and whether the server can read them.</summary>
public sealed class PayloadKeyRows
{
    /// <summary>Table name (<c>predictions</c>, <c>review_items</c>).</summary>
    public string? Table { get; set; }

    /// <summary>Payload key id, or null for rows stored in clear.</summary>
    public int? KeyId { get; set; }

    /// <summary>Number of rows.</summary>
    public long Rows { get; set; }

    /// <summary>True when the key is configured, so the rows can be read.</summary>
    public bool Readable { get; set; }

    /// <summary>True when the key is the active one.</summary>
    public bool Current { get; set; }
}

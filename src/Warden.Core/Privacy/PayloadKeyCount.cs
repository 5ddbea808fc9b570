namespace Warden.Core.Privacy;

/// <summary>How many rows of a table hold payloads under one key.</summary>
/// <param name="Table">Table name (<c>predictions</c>, <c>review_items</c>).</param>
/// <param name="KeyId">Payload key id, or null for rows stored in clear.</param>
/// <param name="Rows">Number of rows.</param>
public sealed record PayloadKeyCount(string Table, int? KeyId, long Rows);

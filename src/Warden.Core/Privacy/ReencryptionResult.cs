namespace Warden.Core.Privacy;

/// <summary>What one re-encryption run did.</summary>
/// <param name="ActiveKeyId">Key the rows are now under.</param>
/// <param name="Predictions">Prediction rows re-written.</param>
/// <param name="ReviewItems">Review item rows re-written.</param>
/// <param name="Batches">Transactions committed.</param>
/// <param name="Remaining">Rows still not under the active key afterwards, per table and key (normally empty).</param>
public sealed record ReencryptionResult(int ActiveKeyId, long Predictions, long ReviewItems, int Batches, IReadOnlyList<PayloadKeyCount> Remaining);

namespace Warden.Core.Predictions;

/// <summary>
/// A prediction's row: payloads as JSON text. Read back from the store they are V2 JSON; on their way in (from
/// <see cref="PredictionSerializer.ToStored(PredictionRecord, PredictionLogOptions)"/>) large numeric tensors may be in the compact stored form.
/// </summary>
public sealed record StoredPrediction(
    long Sequence,
    string Id,
    DateTimeOffset Time,
    string Model,
    string Version,
    string KeyId,
    string? Purpose,
    string InputsJson,
    string OutputsJson,
    string? SensitiveJson,
    double LatencyMs)
{
    /// <summary>The <see cref="FeatureVector"/> written beside the payloads (null when read back or not representable).</summary>
    public byte[]? Features { get; init; }
}

namespace Warden.Core.Predictions;

/// <summary>A prediction as read back from the store, with payloads as JSON text.</summary>
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

namespace Warden.Core.Predictions;

/// <summary>
/// What monitoring reads of a logged prediction: its decoded <see cref="FeatureVector"/> bytes, or, for rows that have
/// none, the JSON payloads.
/// </summary>
public sealed record MonitoredPrediction(
    long Sequence,
    string Id,
    string Version,
    string? Purpose,
    ReadOnlyMemory<byte>? Vector,
    string? InputsJson,
    string? OutputsJson);

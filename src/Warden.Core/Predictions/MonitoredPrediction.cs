namespace Warden.Core.Predictions;

/// <summary>
/// What monitoring reads of a logged prediction: its <see cref="FeatureVector"/> bytes, or, for rows that have none, the
/// JSON payloads.
/// </summary>
/// <param name="Sequence">Log sequence number.</param>
/// <param name="Id">Prediction id; null unless asked for.</param>
/// <param name="Vector">The feature vector, when the row has one.</param>
/// <param name="InputsJson">Stored inputs, only when there is no vector.</param>
/// <param name="OutputsJson">Stored outputs, only when there is no vector.</param>
public sealed record MonitoredPrediction(long Sequence, string? Id, ReadOnlyMemory<byte>? Vector, string? InputsJson, string? OutputsJson);

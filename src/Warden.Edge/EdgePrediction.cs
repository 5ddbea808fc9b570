using System.Text.Json.Nodes;

namespace Warden.Edge;

/// <summary>
/// A prediction answered on the device, as it is kept in <c>predictions.jsonl</c> and sent in telemetry (kind
/// <c>prediction</c>): the server's prediction record after the card's redaction, with the bundle that answered.
/// </summary>
public sealed record EdgePrediction(
    DateTimeOffset Time,
    string Id,
    string Model,
    string Version,
    string BundleId,
    double LatencyMs,
    string KeyId,
    string? Purpose,
    JsonNode? Inputs,
    JsonNode? Outputs,
    IReadOnlyDictionary<string, string>? Sensitive);

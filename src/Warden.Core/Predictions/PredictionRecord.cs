using Warden.Core.Tensors;

namespace Warden.Core.Predictions;

/// <summary>
/// One served prediction as it travels to the log. Inputs and outputs are kept as tensors so that serialising them to JSON
/// happens on the writer's thread, off the request path.
/// </summary>
public sealed record PredictionRecord(
    string Id,
    DateTimeOffset Time,
    string Model,
    string Version,
    string KeyId,
    string? Purpose,
    IReadOnlyList<NamedTensor> Inputs,
    IReadOnlyList<NamedTensor> Outputs,
    IReadOnlyDictionary<string, string>? Sensitive,
    double LatencyMs);

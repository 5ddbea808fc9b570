using System.Text.Json;

namespace Warden.Core.Inference;

/// <summary>
/// A structurally valid V2 inference request. Its inputs may refer to the body it was read from, which must outlive it.
/// </summary>
public sealed class RawInferenceRequest
{
    internal RawInferenceRequest(string? id, Dictionary<string, JsonElement>? parameters, List<RawInput> inputs, List<string>? outputs)
    {
        Id = id;
        Parameters = parameters;
        Inputs = inputs;
        RequestedOutputs = outputs;
    }

    /// <summary>Request id as sent, or null.</summary>
    public string? Id { get; }

    /// <summary>Request-level parameters.</summary>
    public Dictionary<string, JsonElement>? Parameters { get; }

    /// <summary>Inputs in the order sent.</summary>
    public List<RawInput> Inputs { get; }

    /// <summary>Requested output names; null means all.</summary>
    public List<string>? RequestedOutputs { get; }

    /// <summary>Outputs that carry <c>parameters.binary_data</c> (binary tensor data extension), with its value.</summary>
    public IReadOnlyDictionary<string, bool>? BinaryOutputs { get; init; }

    /// <summary>
    /// True when <paramref name="output"/> should be answered as binary data: its own <c>binary_data</c> parameter decides,
    /// else the request's <c>binary_data_output</c>.
    /// </summary>
    public bool WantsBinary(string output) =>
        BinaryOutputs is not null && BinaryOutputs.TryGetValue(output, out var own)
            ? own
            : Parameters is not null && Parameters.TryGetValue("binary_data_output", out var all) && all.ValueKind == JsonValueKind.True;

    /// <summary>String value of a request parameter, or null.</summary>
    public string? GetStringParameter(string name) =>
        Parameters is not null && Parameters.TryGetValue(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            }
            : null;
}

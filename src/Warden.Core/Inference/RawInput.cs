using System.Text.Json;

namespace Warden.Core.Inference;

/// <summary>An input tensor as the client sent it, before it is checked against the model's signature.</summary>
public sealed record RawInput(string Name, long[] Shape, string Datatype, JsonElement Data, Dictionary<string, JsonElement>? Parameters);

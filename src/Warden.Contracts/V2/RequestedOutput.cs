using System.Text.Json.Serialization;

namespace Warden.Contracts.V2;

/// <summary>An output the client asks for by name.</summary>
public sealed class RequestedOutput
{
    /// <summary>Output name.</summary>
    [JsonPropertyName("name")] public string Name { get; set; } = "";
}

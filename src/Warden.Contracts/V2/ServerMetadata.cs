using System.Text.Json.Serialization;

namespace Warden.Contracts.V2;

/// <summary>Server metadata of the Open Inference Protocol (<c>GET /v2</c>).</summary>
public sealed class ServerMetadata
{
    /// <summary>Server name.</summary>
    [JsonPropertyName("name")] public string Name { get; set; } = "";

    /// <summary>Server version.</summary>
    [JsonPropertyName("version")] public string Version { get; set; } = "";

    /// <summary>Protocol extensions the server supports.</summary>
    [JsonPropertyName("extensions")] public List<string> Extensions { get; set; } = [];
}

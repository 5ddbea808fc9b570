using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Contracts.Triton;

/// <summary>Optional body of the repository extension's load and unload requests.</summary>
public sealed class RepositoryModelRequest
{
    /// <summary>Request parameters (<c>unload_dependents</c> for unload).</summary>
    [JsonPropertyName("parameters")] public Dictionary<string, JsonElement>? Parameters { get; set; }
}

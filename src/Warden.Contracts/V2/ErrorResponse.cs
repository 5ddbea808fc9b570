using System.Text.Json.Serialization;

namespace Warden.Contracts.V2;

/// <summary>The protocol's error body: <c>{"error": "..."}</c>.</summary>
public sealed class ErrorResponse
{
    /// <summary>What was wrong.</summary>
    [JsonPropertyName("error")] public string Error { get; set; } = "";
}

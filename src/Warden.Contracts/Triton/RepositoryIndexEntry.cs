using System.Text.Json.Serialization;

namespace Warden.Contracts.Triton;

/// <summary>One model version in the repository index.</summary>
public sealed class RepositoryIndexEntry
{
    /// <summary>Model name.</summary>
    [JsonPropertyName("name")] public string Name { get; set; } = "";

    /// <summary>Version label.</summary>
    [JsonPropertyName("version")] public string Version { get; set; } = "";

    /// <summary><c>READY</c> or <c>UNAVAILABLE</c>.</summary>
    [JsonPropertyName("state")] public string State { get; set; } = "";

    /// <summary>Why the version is in that state (empty when ready).</summary>
    [JsonPropertyName("reason")] public string Reason { get; set; } = "";
}

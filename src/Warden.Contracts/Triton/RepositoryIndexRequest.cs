using System.Text.Json.Serialization;

namespace Warden.Contracts.Triton;

/// <summary>Body of <c>POST /v2/repository/index</c> (Triton's model repository extension).</summary>
public sealed class RepositoryIndexRequest
{
    /// <summary>When true, only models ready for inference are listed.</summary>
    [JsonPropertyName("ready")] public bool Ready { get; set; }
}

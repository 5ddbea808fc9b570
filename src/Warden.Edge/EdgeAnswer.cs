using System.Text.Json.Serialization;

namespace Warden.Edge;

/// <summary>The small bodies the agent answers with.</summary>
internal static class EdgeAnswer
{
    /// <summary>The V2 protocol's error body.</summary>
    public sealed record ErrorBody(string Error);

    /// <summary><c>GET /v2/health/live</c>.</summary>
    public sealed record LiveBody(bool Live);

    /// <summary><c>GET /v2/health/ready</c> (no name or version) and a model's readiness.</summary>
    public sealed record ReadyBody(
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Version,
        bool Ready);
}

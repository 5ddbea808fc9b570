using System.Text.Json.Serialization;

namespace Warden.Server.Http;

/// <summary>RFC 7807 problem details, plus <c>error</c> for clients that read the inference protocol's shape.</summary>
public sealed class ProblemBody
{
    [JsonPropertyName("type")] public string Type { get; set; } = "about:blank";

    [JsonPropertyName("title")] public string Title { get; set; } = "";

    [JsonPropertyName("status")] public int Status { get; set; }

    [JsonPropertyName("detail")] public string Detail { get; set; } = "";

    [JsonPropertyName("error")] public string Error { get; set; } = "";
}

[JsonSerializable(typeof(ProblemBody))]
internal sealed partial class ProblemBodyContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace Warden.Contracts.Feedback;

/// <summary>The ground-truth label of one earlier prediction.</summary>
public sealed class FeedbackLabel
{
    /// <summary>The prediction's request id (the <c>id</c> an inference response returned).</summary>
    [JsonPropertyName("id")] public string Id { get; set; } = "";

    /// <summary>The true outcome; the server also takes a JSON number or boolean here.</summary>
    [JsonPropertyName("label")] public string Label { get; set; } = "";

    /// <summary>Whose prediction this is, when several keys used the same request id (deployer, reviewer and admin keys only).</summary>
    [JsonPropertyName("key")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Key { get; set; }
}

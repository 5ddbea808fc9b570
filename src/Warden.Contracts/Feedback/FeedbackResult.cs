using System.Text.Json.Serialization;

namespace Warden.Contracts.Feedback;

/// <summary>What the server did with a feedback batch.</summary>
public sealed class FeedbackResult
{
    /// <summary>Labels stored.</summary>
    [JsonPropertyName("accepted")] public int Accepted { get; set; }

    /// <summary>Labels whose id matched a logged prediction of the model.</summary>
    [JsonPropertyName("matched")] public int Matched { get; set; }

    /// <summary>Up to 100 ids that matched no prediction the key may label.</summary>
    [JsonPropertyName("unmatched")] public List<string> Unmatched { get; set; } = [];
}

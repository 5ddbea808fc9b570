using System.Text.Json.Serialization;

namespace Warden.Contracts.Feedback;

/// <summary>Body of <c>POST /api/models/{model}/feedback</c>: up to 10,000 labels (a single <see cref="FeedbackLabel"/> object is also accepted).</summary>
public sealed class FeedbackBatch
{
    /// <summary>The labels.</summary>
    [JsonPropertyName("items")] public List<FeedbackLabel> Items { get; set; } = [];
}

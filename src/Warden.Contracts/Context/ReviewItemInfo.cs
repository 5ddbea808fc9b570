using System.Text.Json;

namespace Warden.Contracts.Context;

/// <summary>A review item as the review API shows it.</summary>
public sealed class ReviewItemInfo
{
    /// <summary>Review item id.</summary>
    public string Id { get; set; } = "";

    /// <summary>Model name.</summary>
    public string Model { get; set; } = "";

    /// <summary>Model version that answered.</summary>
    public string Version { get; set; } = "";

    /// <summary>The inference request id; the final label is stored as feedback for it.</summary>
    public string PredictionId { get; set; } = "";

    /// <summary><c>hold</c> or <c>advise</c>.</summary>
    public string Mode { get; set; } = "";

    /// <summary><c>pending</c>, <c>decided</c> or <c>escalated</c>.</summary>
    public string Status { get; set; } = "";

    /// <summary>Why it was sent to review.</summary>
    public List<string> Reasons { get; set; } = [];

    /// <summary>Score (positive-class probability) of the first flagged row.</summary>
    public double? Score { get; set; }

    /// <summary>Inputs as stored (V2 tensors); omitted for the requester.</summary>
    public JsonElement? Inputs { get; set; }

    /// <summary>Model outputs (V2 tensors); omitted for the requester.</summary>
    public JsonElement? Outputs { get; set; }

    /// <summary>Shapley explanation once computed.</summary>
    public ExplanationResponse? Explanation { get; set; }

    /// <summary>Reviewer key the item is assigned to.</summary>
    public string? AssignedTo { get; set; }

    /// <summary>Reviewer key holding the claim.</summary>
    public string? ClaimedBy { get; set; }

    /// <summary>When the claim lapses.</summary>
    public DateTimeOffset? ClaimExpires { get; set; }

    /// <summary>When the item was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the item escalates if still undecided.</summary>
    public DateTimeOffset Deadline { get; set; }

    /// <summary>Final label once decided.</summary>
    public string? Label { get; set; }

    /// <summary>When the final label was reached.</summary>
    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>k of the k-of-n consensus.</summary>
    public int ReviewersRequired { get; set; }

    /// <summary>n of the k-of-n consensus.</summary>
    public int MaxReviewers { get; set; }

    /// <summary>Votes so far; omitted for the requester.</summary>
    public List<ReviewVoteInfo>? Votes { get; set; }

    /// <summary>
    /// The answer the caller got when the deadline passed undecided: <c>refuse</c>, <c>model</c> (then <see cref="Outputs"/>
    /// holds the model's answer, for the caller too) or <c>default</c> (<see cref="Decision"/>); null before the deadline.
    /// </summary>
    public string? DeadlineAnswer { get; set; }

    /// <summary>The default decision given at the deadline.</summary>
    public string? Decision { get; set; }

    /// <summary>The final label in the outcome vocabulary (the policy's <c>labelMap</c>); what the feedback store holds.</summary>
    public string? OutcomeLabel { get; set; }

    /// <summary>Named escalation target of the policy.</summary>
    public string? EscalateTo { get; set; }
}

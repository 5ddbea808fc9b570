namespace Warden.Core.Review;

/// <summary>A prediction waiting for (or decided by) human review. Policy values are copied in so later policy edits do not change it.</summary>
public sealed record ReviewItem
{
    /// <summary>Review item id.</summary>
    public required string Id { get; init; }

    /// <summary>Model name.</summary>
    public required string Model { get; init; }

    /// <summary>Model version that answered.</summary>
    public required string Version { get; init; }

    /// <summary>The inference request id; the final label is stored as feedback for it.</summary>
    public required string PredictionId { get; init; }

    /// <summary>Key that made the request; it can never review its own request.</summary>
    public required string RequesterKey { get; init; }

    /// <summary>hold or advise.</summary>
    public required string Mode { get; init; }

    /// <summary>pending, decided or escalated.</summary>
    public string Status { get; init; } = ReviewStatus.Pending;

    /// <summary>Why the item was created (e.g. <c>confidence 0.61 &lt; 0.7</c>).</summary>
    public required IReadOnlyList<string> Reasons { get; init; }

    /// <summary>Inputs as the prediction log stores them (V2 tensor JSON array).</summary>
    public required string InputsJson { get; init; }

    /// <summary>Model outputs (V2 tensor JSON array).</summary>
    public required string OutputsJson { get; init; }

    /// <summary>Score (positive-class probability) of the first flagged row.</summary>
    public double? Score { get; init; }

    /// <summary>Shapley explanation JSON, attached in the background; null until computed.</summary>
    public string? ExplanationJson { get; init; }

    /// <summary>Reviewer key the item is assigned to.</summary>
    public string? AssignedTo { get; init; }

    /// <summary>Reviewer key holding the claim.</summary>
    public string? ClaimedBy { get; init; }

    /// <summary>When the claim lapses.</summary>
    public DateTimeOffset? ClaimExpires { get; init; }

    /// <summary>When the item was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the item escalates if still undecided.</summary>
    public required DateTimeOffset Deadline { get; init; }

    /// <summary>Final label once decided.</summary>
    public string? Label { get; init; }

    /// <summary>When the final label was reached.</summary>
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>k of the k-of-n consensus.</summary>
    public int ReviewersRequired { get; init; } = 1;

    /// <summary>n of the k-of-n consensus.</summary>
    public int MaxReviewers { get; init; } = 1;

    /// <summary>Minutes a claim locks the item.</summary>
    public double ClaimMinutes { get; init; } = 15;

    /// <summary>Labels reviewers may give (any when empty).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>What a held caller gets at the deadline (<see cref="ReviewDeadlineAnswers"/>).</summary>
    public string DeadlineAnswer { get; init; } = ReviewDeadlineAnswers.Refuse;

    /// <summary>The decision given with <see cref="ReviewDeadlineAnswers.Default"/>.</summary>
    public string? DefaultDecision { get; init; }

    /// <summary>Named escalation target.</summary>
    public string? EscalateTo { get; init; }

    /// <summary>Reviewer label → outcome label stored as feedback (empty: as given).</summary>
    public IReadOnlyDictionary<string, string> LabelMap { get; init; } = new Dictionary<string, string>();

    /// <summary>The answer the caller got when the deadline passed (a <see cref="ReviewDeadlineAnswers"/> value); null before.</summary>
    public string? Answer { get; init; }

    /// <summary>
    /// How many times the stored item has changed: a change is written only over the revision it was read at, so two
    /// replicas acting on the same item at once cannot both apply their change (the second reads again).
    /// </summary>
    public long Revision { get; init; }

    /// <summary>The outcome label of <paramref name="label"/> under <see cref="LabelMap"/>.</summary>
    public string OutcomeOf(string label) => LabelMap.TryGetValue(label, out var outcome) ? outcome : label;
}

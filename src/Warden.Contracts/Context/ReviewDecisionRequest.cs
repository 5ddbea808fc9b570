namespace Warden.Contracts.Context;

/// <summary>Body of <c>POST /api/reviews/{id}/decide</c>.</summary>
public sealed class ReviewDecisionRequest
{
    /// <summary>The reviewer's label (e.g. <c>deny</c>, <c>approve</c>, <c>1</c>).</summary>
    public string Label { get; set; } = "";

    /// <summary>Why.</summary>
    public string? Note { get; set; }
}

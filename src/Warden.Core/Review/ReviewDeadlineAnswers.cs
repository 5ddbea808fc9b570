namespace Warden.Core.Review;

/// <summary>What a held caller gets when the review deadline passes without a final label (<c>deadlineAnswer</c>).</summary>
public static class ReviewDeadlineAnswers
{
    /// <summary>A refusal: the request is not answered (the default, since hold was chosen so that no one acts on the model alone).</summary>
    public const string Refuse = "refuse";

    /// <summary>The model's own answer, released to the caller.</summary>
    public const string Model = "model";

    /// <summary>The policy's <c>defaultDecision</c>.</summary>
    public const string Default = "default";
}

namespace Warden.Core.Review;

/// <summary>A request for review raised by another interceptor (a pipeline's review step), honoured without a review policy.</summary>
/// <param name="Reasons">Why.</param>
/// <param name="Mode">hold or advise.</param>
/// <param name="ReviewersRequired">k of the consensus.</param>
public sealed record ReviewRequest(IReadOnlyList<string> Reasons, string Mode, int ReviewersRequired)
{
    /// <summary>Key of <see cref="Inference.InferenceContext.Items"/> under which it is passed.</summary>
    public const string ItemKey = "review.request";
}

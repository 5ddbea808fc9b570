namespace Warden.Core.Review;

/// <summary>What the caller gets when a prediction goes to review.</summary>
public static class ReviewModes
{
    /// <summary>202 with a review id; the answer comes from the reviewer (poll or webhook).</summary>
    public const string Hold = "hold";

    /// <summary>The model's answer, marked <c>pending_review: true</c> with the review id.</summary>
    public const string Advise = "advise";
}

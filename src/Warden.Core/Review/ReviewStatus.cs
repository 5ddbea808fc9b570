namespace Warden.Core.Review;

/// <summary>States of a review item.</summary>
public static class ReviewStatus
{
    /// <summary>Waiting for reviewers.</summary>
    public const string Pending = "pending";

    /// <summary>k reviewers agreed; the label is final and written as feedback.</summary>
    public const string Decided = "decided";

    /// <summary>The deadline passed or n reviewers did not reach k agreeing votes; still decidable.</summary>
    public const string Escalated = "escalated";
}

namespace Warden.Core.Review;

/// <summary>One reviewer's decision on an item.</summary>
public sealed record ReviewVote(string ItemId, string Reviewer, string Label, string? Note, DateTimeOffset Time);

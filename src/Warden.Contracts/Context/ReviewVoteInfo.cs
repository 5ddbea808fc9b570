namespace Warden.Contracts.Context;

/// <summary>One reviewer's decision.</summary>
public sealed class ReviewVoteInfo
{
    /// <summary>Reviewer key id.</summary>
    public string Reviewer { get; set; } = "";

    /// <summary>The label given.</summary>
    public string Label { get; set; } = "";

    /// <summary>The reviewer's note.</summary>
    public string? Note { get; set; }

    /// <summary>When the vote was cast.</summary>
    public DateTimeOffset Time { get; set; }
}

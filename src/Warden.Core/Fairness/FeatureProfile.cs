namespace Warden.Core.Fairness;

/// <summary>Group representation for one sensitive feature or an intersection.</summary>
/// <param name="Key">Features joined by " &amp; ".</param>
/// <param name="Features">Features of the partition.</param>
/// <param name="Groups">Groups, ordinal order of values.</param>
public sealed record FeatureProfile(string Key, IReadOnlyList<string> Features, IReadOnlyList<GroupProfile> Groups);

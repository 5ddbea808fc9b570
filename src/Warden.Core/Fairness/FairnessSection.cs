namespace Warden.Core.Fairness;

/// <summary>Analysis of one sensitive feature or of an intersection of features.</summary>
public sealed record FairnessSection
{
    /// <summary>Features joined by " &amp; " (e.g. "colour &amp; sex").</summary>
    public required string Key { get; init; }

    /// <summary>Features of the partition.</summary>
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>Key of the privileged group, or null when no privileged value is declared for every feature.</summary>
    public string? PrivilegedGroup { get; init; }

    /// <summary>All groups, including those too small to judge.</summary>
    public required IReadOnlyList<GroupMetrics> Groups { get; init; }

    /// <summary>Keys of groups left out of disparities because they are below the minimum group size.</summary>
    public required IReadOnlyList<string> ExcludedGroups { get; init; }

    /// <summary>Disparities over the judged groups.</summary>
    public required IReadOnlyList<Disparity> Disparities { get; init; }

    /// <summary>The disparity named <paramref name="name"/>, or null.</summary>
    public Disparity? Find(string name) => Disparities.FirstOrDefault(d => d.Name == name);
}

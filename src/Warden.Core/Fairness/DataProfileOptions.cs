namespace Warden.Core.Fairness;

/// <summary>Settings of <see cref="DataProfiler"/>.</summary>
public sealed record DataProfileOptions
{
    /// <summary>Sensitive feature columns.</summary>
    public required IReadOnlyList<string> Sensitive { get; init; }

    /// <summary>Optional label column for per-group base rates.</summary>
    public string? Label { get; init; }

    /// <summary>Label value counted as positive (required with <see cref="Label"/>).</summary>
    public string? PositiveLabel { get; init; }

    /// <summary>Reference population share per feature and value, e.g. afam → {yes: 0.25}.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> ReferenceShares { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, double>>();

    /// <summary>Groups with fewer rows are under-represented.</summary>
    public int MinRows { get; init; } = 30;

    /// <summary>Groups whose share is below this fraction of their reference share are under-represented.</summary>
    public double MinShareRatio { get; init; } = 0.8;

    /// <summary>Also profile the intersection of all sensitive features.</summary>
    public bool IncludeIntersection { get; init; } = true;
}

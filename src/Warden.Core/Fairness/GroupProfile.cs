namespace Warden.Core.Fairness;

/// <summary>Representation of one group in the data.</summary>
public sealed record GroupProfile
{
    /// <summary>"feature=value" (joined by " &amp; " for intersections).</summary>
    public required string Key { get; init; }

    /// <summary>Feature → value.</summary>
    public required IReadOnlyDictionary<string, string> Values { get; init; }

    /// <summary>Rows in the group.</summary>
    public required long Count { get; init; }

    /// <summary>Count / all rows.</summary>
    public required double Share { get; init; }

    /// <summary>Declared share in the reference population, or null.</summary>
    public double? ReferenceShare { get; init; }

    /// <summary>Share / reference share, or null.</summary>
    public double? ShareRatio { get; init; }

    /// <summary>Fraction of non-missing labels equal to the positive label; null without a label or without labelled rows.</summary>
    public double? BaseRate { get; init; }

    /// <summary>Column → fraction of the group's rows whose value is missing (see docs/fairness.md for the missing tokens).</summary>
    public required IReadOnlyDictionary<string, double> MissingRates { get; init; }

    /// <summary>True when any representation rule flags the group.</summary>
    public required bool UnderRepresented { get; init; }

    /// <summary>Why the group is flagged.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }
}

namespace Warden.Core.Monitoring;

/// <summary>How labelled logged predictions become a fairness data set.</summary>
public sealed record LiveFairnessOptions
{
    /// <summary>Sensitive attributes (names inside the stored sensitive JSON).</summary>
    public required IReadOnlyList<string> SensitiveFeatures { get; init; }

    /// <summary>Output holding the positive-class probability (the card's <c>scoreOutput</c>), or null.</summary>
    public string? ScoreOutput { get; init; }

    /// <summary>Output holding the predicted label (the card's <c>labelOutput</c>), or null.</summary>
    public string? LabelOutput { get; init; }

    /// <summary>When set, the prediction is score ≥ threshold; otherwise the label output (score ≥ 0.5 without one).</summary>
    public double? Threshold { get; init; }

    /// <summary>Label value of the positive class; null accepts <c>1</c>, <c>true</c>, <c>yes</c> (any case).</summary>
    public string? PositiveLabel { get; init; }

    /// <summary>True when <paramref name="label"/> is the positive class.</summary>
    public bool IsPositive(string label) => LabelValues.IsPositive(label, PositiveLabel);
}

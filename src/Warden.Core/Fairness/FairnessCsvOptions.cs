namespace Warden.Core.Fairness;

/// <summary>How to turn CSV columns into a <see cref="FairnessDataset"/>.</summary>
public sealed record FairnessCsvOptions
{
    /// <summary>Column holding the true label.</summary>
    public required string Label { get; init; }

    /// <summary>Column holding the predicted label (same vocabulary as the label); exclusive with <see cref="Score"/>.</summary>
    public string? Prediction { get; init; }

    /// <summary>Column holding a score; the prediction is <c>score &gt;= Threshold</c>.</summary>
    public string? Score { get; init; }

    /// <summary>Decision threshold applied to <see cref="Score"/>.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Sensitive feature columns.</summary>
    public required IReadOnlyList<string> Sensitive { get; init; }

    /// <summary>Label (and prediction) value meaning the positive outcome; compared ordinally after trimming.</summary>
    public required string PositiveLabel { get; init; }

    /// <summary>Optional sample weight column.</summary>
    public string? Weight { get; init; }
}

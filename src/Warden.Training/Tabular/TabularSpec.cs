namespace Warden.Training.Tabular;

/// <summary>What to train on a CSV: the label, the features, the sensitive columns and how to split and learn.</summary>
public sealed record TabularSpec
{
    /// <summary>Label column.</summary>
    public required string Label { get; init; }

    /// <summary>
    /// The positive label value, or a numeric cut such as <c>&gt;7.5</c> or <c>&gt;=7.5</c> for a numeric label (a wage, a
    /// score) that is binarised for classification.
    /// </summary>
    public required string Positive { get; init; }

    /// <summary>Feature columns; null means every column except the label and the sensitive columns.</summary>
    public IReadOnlyList<string>? Features { get; init; }

    /// <summary>Columns removed from the features.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Columns encoded as categorical even when their values are numbers (codes, zip areas).</summary>
    public IReadOnlyList<string> Categorical { get; init; } = [];

    /// <summary>Sensitive columns: profiled and evaluated per group, never model inputs unless <see cref="SensitiveAsFeature"/>.</summary>
    public IReadOnlyList<string> Sensitive { get; init; } = [];

    /// <summary>Feed the sensitive columns to the model too (off by default: the model then needs them at inference).</summary>
    public bool SensitiveAsFeature { get; init; }

    /// <summary>The learner.</summary>
    public TabularTrainerKind Trainer { get; init; } = TabularTrainerKind.Logistic;

    /// <summary>Share of each label class held out for evaluation when no test file is given.</summary>
    public double Holdout { get; init; } = 0.2;

    /// <summary>Seed of the split, the background sample and the learner.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Model name written into the card and the ONNX metadata.</summary>
    public string Name { get; init; } = "model";
}

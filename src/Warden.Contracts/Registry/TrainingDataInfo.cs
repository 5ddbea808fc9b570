namespace Warden.Contracts.Registry;

/// <summary>Provenance and size of a model's training data.</summary>
public sealed class TrainingDataInfo
{
    /// <summary>Data set name and origin.</summary>
    public string Source { get; set; } = "";

    /// <summary>Number of rows used for training.</summary>
    public int Rows { get; set; }

    /// <summary>Number of rows held out for evaluation.</summary>
    public int HoldoutRows { get; set; }

    /// <summary>Label column and its positive value.</summary>
    public string Label { get; set; } = "";

    /// <summary>Preparation steps (encoding, filtering, splits and seeds).</summary>
    public string Preparation { get; set; } = "";
}

namespace Warden.Contracts.Registry;

/// <summary>Profile of the training data written on the card at train time (Model Card Toolkit: <c>datasets</c> / graphics).</summary>
public sealed class DataProfileInfo
{
    /// <summary>Rows profiled (the training rows).</summary>
    public int Rows { get; set; }

    /// <summary>Fraction of rows with the positive label, if labelled.</summary>
    public double? BaseRate { get; set; }

    /// <summary>Per-input summary statistics.</summary>
    public List<ColumnProfileInfo> Columns { get; set; } = [];

    /// <summary>Representation of each group of each sensitive attribute.</summary>
    public List<GroupShareInfo> Groups { get; set; } = [];
}

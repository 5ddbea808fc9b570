namespace Warden.Contracts.Registry;

/// <summary>How one group of a sensitive attribute is represented in the training data.</summary>
public sealed class GroupShareInfo
{
    /// <summary>Sensitive attribute, e.g. <c>afam</c>.</summary>
    public string Attribute { get; set; } = "";

    /// <summary>Group value, e.g. <c>yes</c>.</summary>
    public string Value { get; set; } = "";

    /// <summary>Rows in the group.</summary>
    public int Count { get; set; }

    /// <summary>Count / all rows.</summary>
    public double Share { get; set; }

    /// <summary>Fraction of the group's rows with the positive label, if labelled.</summary>
    public double? BaseRate { get; set; }
}

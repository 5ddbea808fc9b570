namespace Warden.Core.Registry;

/// <summary>One titled section of a rendered model card: paragraphs, labelled facts, labelled lists and tables, in that order.</summary>
public sealed class ModelCardSection(string title)
{
    /// <summary>Section title.</summary>
    public string Title { get; } = title;

    /// <summary>Free text.</summary>
    public List<string> Paragraphs { get; } = [];

    /// <summary>Label → value pairs.</summary>
    public List<(string Label, string Value)> Facts { get; } = [];

    /// <summary>Labelled bullet lists (empty lists are rendered as "none stated").</summary>
    public List<(string Label, IReadOnlyList<string> Items)> Lists { get; } = [];

    /// <summary>Tables.</summary>
    public List<ModelCardTable> Tables { get; } = [];
}

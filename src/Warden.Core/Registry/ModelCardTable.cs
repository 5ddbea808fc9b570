namespace Warden.Core.Registry;

/// <summary>A captioned table of a model card section.</summary>
public sealed record ModelCardTable(string Caption, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows);

namespace Warden.Contracts.Admin;

/// <summary>A page of results and the cursor for the next page.</summary>
/// <typeparam name="T">Item type.</typeparam>
public sealed class Page<T>
{
    /// <summary>Items in this page.</summary>
    public List<T> Items { get; set; } = [];

    /// <summary>Cursor to pass as <c>after</c> for the next page; null at the end.</summary>
    public string? Next { get; set; }
}

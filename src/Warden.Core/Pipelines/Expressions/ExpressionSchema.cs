namespace Warden.Core.Pipelines.Expressions;

/// <summary>The identifiers an expression may use and their types.</summary>
public sealed class ExpressionSchema
{
    private readonly Dictionary<string, ExpressionType> _types;

    /// <summary>Creates a schema from name → type pairs (names are case-sensitive and may be dotted).</summary>
    public ExpressionSchema(IEnumerable<KeyValuePair<string, ExpressionType>> identifiers)
    {
        ArgumentNullException.ThrowIfNull(identifiers);
        _types = new Dictionary<string, ExpressionType>(StringComparer.Ordinal);
        foreach (var (name, type) in identifiers)
        {
            if (!_types.TryAdd(name, type))
            {
                throw new ArgumentException($"Identifier '{name}' is declared twice.", nameof(identifiers));
            }
        }

        Names = [.. _types.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Known identifiers, sorted ordinally.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Looks up an identifier's type.</summary>
    public bool TryGetType(string name, out ExpressionType type) => _types.TryGetValue(name, out type);
}

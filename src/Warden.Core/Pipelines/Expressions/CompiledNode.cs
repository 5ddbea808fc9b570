namespace Warden.Core.Pipelines.Expressions;

/// <summary>
/// A node compiled to a closure of its static type; exactly one delegate is set. Typed closures avoid boxing every
/// intermediate value.
/// </summary>
internal readonly record struct CompiledNode(
    ExpressionType Type,
    Func<IReadOnlyDictionary<string, object?>, double>? Number = null,
    Func<IReadOnlyDictionary<string, object?>, string>? Text = null,
    Func<IReadOnlyDictionary<string, object?>, bool>? Boolean = null)
{
    public Func<IReadOnlyDictionary<string, object?>, double> AsNumber => Number ?? throw Mismatch(ExpressionType.Number);

    public Func<IReadOnlyDictionary<string, object?>, string> AsText => Text ?? throw Mismatch(ExpressionType.String);

    public Func<IReadOnlyDictionary<string, object?>, bool> AsBoolean => Boolean ?? throw Mismatch(ExpressionType.Boolean);

    private InvalidOperationException Mismatch(ExpressionType wanted) =>
        new($"Compiler invariant broken: a {TypeNames.Of(Type)} node was used as a {TypeNames.Of(wanted)}.");
}

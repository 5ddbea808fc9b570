namespace Warden.Core.Pipelines.Expressions;

/// <summary>
/// A type-checked expression compiled to closures. Thread-safe: it holds no mutable state. Evaluation reads
/// identifiers from a dictionary (numbers as any .NET numeric type, strings, booleans; null, absent or NaN = missing)
/// and throws <see cref="ExpressionException"/> with kind <see cref="ExpressionErrorKind.Runtime"/> on missing or
/// ill-typed input, division by zero, log of a non-positive number, or a non-finite result.
/// </summary>
public sealed class CompiledExpression
{
    private readonly CompiledNode _root;

    internal CompiledExpression(string text, CompiledNode root)
    {
        Text = text;
        _root = root;
    }

    /// <summary>The source text.</summary>
    public string Text { get; }

    /// <summary>The static type of the result.</summary>
    public ExpressionType ResultType => _root.Type;

    /// <summary>Evaluates to a boxed double, string or bool according to <see cref="ResultType"/>.</summary>
    public object Evaluate(IReadOnlyDictionary<string, object?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return _root.Type switch
        {
            ExpressionType.Number => _root.AsNumber(variables),
            ExpressionType.String => _root.AsText(variables),
            _ => _root.AsBoolean(variables),
        };
    }

    /// <summary>Evaluates a boolean expression (a rule) without boxing.</summary>
    /// <exception cref="InvalidOperationException">The expression is not boolean.</exception>
    public bool EvaluateBoolean(IReadOnlyDictionary<string, object?> variables) =>
        Typed(_root.Boolean, ExpressionType.Boolean)(variables ?? throw new ArgumentNullException(nameof(variables)));

    /// <summary>Evaluates a numeric expression without boxing.</summary>
    /// <exception cref="InvalidOperationException">The expression is not numeric.</exception>
    public double EvaluateNumber(IReadOnlyDictionary<string, object?> variables) =>
        Typed(_root.Number, ExpressionType.Number)(variables ?? throw new ArgumentNullException(nameof(variables)));

    /// <summary>Evaluates a string expression.</summary>
    /// <exception cref="InvalidOperationException">The expression is not a string.</exception>
    public string EvaluateString(IReadOnlyDictionary<string, object?> variables) =>
        Typed(_root.Text, ExpressionType.String)(variables ?? throw new ArgumentNullException(nameof(variables)));

    private T Typed<T>(T? function, ExpressionType wanted)
        where T : Delegate =>
        function ?? throw new InvalidOperationException(
            $"The expression '{Text}' is a {TypeNames.Of(ResultType)}, not a {TypeNames.Of(wanted)}.");
}

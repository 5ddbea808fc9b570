namespace Warden.Core.Pipelines.Expressions;

/// <summary>One problem found in an expression, with where it is.</summary>
/// <param name="Kind">The category of the problem.</param>
/// <param name="Message">Full message including the position, e.g. <c>unknown identifier 'lvrat2' at 1:1; known: chist, lvrat</c>.</param>
/// <param name="Position">Where the problem starts.</param>
public sealed record ExpressionError(ExpressionErrorKind Kind, string Message, SourcePosition Position)
{
    /// <summary>Builds the message as "<paramref name="what"/> at line:column<paramref name="suffix"/>".</summary>
    internal static ExpressionError Create(ExpressionErrorKind kind, string what, SourcePosition position, string suffix = "") =>
        new(kind, $"{what} at {position}{suffix}", position);

    /// <inheritdoc />
    public override string ToString() => Message;
}

namespace Warden.Core.Pipelines.Expressions;

/// <summary>What went wrong with an expression.</summary>
public enum ExpressionErrorKind
{
    /// <summary>The text is not in the grammar (bad character, missing parenthesis, ...).</summary>
    Syntax,

    /// <summary>The text exceeds a length or nesting limit.</summary>
    Limit,

    /// <summary>An identifier is not in the schema.</summary>
    UnknownIdentifier,

    /// <summary>A function is not in the whitelist.</summary>
    UnknownFunction,

    /// <summary>Operand or argument types do not fit, or a function got the wrong number of arguments.</summary>
    Type,

    /// <summary>Evaluation failed: missing or ill-typed input, division by zero, a non-finite result.</summary>
    Runtime,
}

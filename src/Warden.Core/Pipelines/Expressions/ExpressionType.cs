namespace Warden.Core.Pipelines.Expressions;

/// <summary>The static type of an expression or identifier.</summary>
public enum ExpressionType
{
    /// <summary>A finite double-precision number.</summary>
    Number,

    /// <summary>A string, compared ordinally.</summary>
    String,

    /// <summary>true or false.</summary>
    Boolean,
}

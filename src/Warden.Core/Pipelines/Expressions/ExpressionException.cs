namespace Warden.Core.Pipelines.Expressions;

/// <summary>The only exception the expression language throws for bad input text, schemas or values.</summary>
public sealed class ExpressionException : Exception
{
    /// <summary>Creates an exception carrying one or more errors.</summary>
    public ExpressionException(IReadOnlyList<ExpressionError> errors)
        : base(string.Join(Environment.NewLine, errors.Select(e => e.Message)))
    {
        Errors = errors;
    }

    /// <summary>Creates an exception carrying a single error.</summary>
    public ExpressionException(ExpressionError error)
        : this([error])
    {
    }

    /// <summary>All errors found; at least one.</summary>
    public IReadOnlyList<ExpressionError> Errors { get; }

    /// <summary>The first error.</summary>
    public ExpressionError Error => Errors[0];
}

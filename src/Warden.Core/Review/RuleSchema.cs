using Warden.Core.Pipelines.Expressions;

namespace Warden.Core.Review;

/// <summary>
/// The identifiers a review or pipeline rule may read: numeric model inputs, <c>score</c>, <c>confidence</c>,
/// <c>margin</c>, and string <c>sensitive.*</c> attributes. When the model is not known yet (validation at PUT time) every
/// identifier the rule uses is typed by that convention, so type errors are still caught.
/// </summary>
public static class RuleSchema
{
    /// <summary>Schema for <paramref name="identifiers"/> by the naming convention.</summary>
    public static ExpressionSchema For(IEnumerable<string> identifiers) =>
        new(identifiers.Distinct(StringComparer.Ordinal).Select(name => new KeyValuePair<string, ExpressionType>(
            name, name.StartsWith("sensitive.", StringComparison.Ordinal) ? ExpressionType.String : ExpressionType.Number)));

    /// <summary>Syntax and type errors of a boolean rule.</summary>
    public static IReadOnlyList<ExpressionError> Validate(string rule)
    {
        try
        {
            var parsed = RuleExpression.Parse(rule);
            return parsed.Validate(For(parsed.Identifiers), ExpressionType.Boolean);
        }
        catch (ExpressionException ex)
        {
            return ex.Errors;
        }
    }

    /// <summary>Compiles a rule that <see cref="Validate"/> accepted.</summary>
    public static CompiledExpression Compile(string rule)
    {
        var parsed = RuleExpression.Parse(rule);
        return parsed.Compile(For(parsed.Identifiers), ExpressionType.Boolean);
    }
}

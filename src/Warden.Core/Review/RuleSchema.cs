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

    /// <summary>Variables a rule may read besides the model's inputs and <c>sensitive.*</c>: the score family.</summary>
    public static IReadOnlyList<string> ScoreVariables { get; } = ["score", "confidence", "margin"];

    /// <summary>
    /// Identifiers of <paramref name="rule"/> that no request to a model taking <paramref name="inputs"/> can supply (not an
    /// input, not <c>score</c>/<c>confidence</c>/<c>margin</c>, not <c>sensitive.*</c>). Such a rule would break or hold every
    /// request at run time, so it is refused when the document is stored. Empty when the rule does not parse (the syntax
    /// errors are reported by <see cref="Validate"/>).
    /// </summary>
    public static IReadOnlyList<string> UnknownIdentifiers(string rule, IReadOnlySet<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        try
        {
            return RuleExpression.Parse(rule).Identifiers.Distinct(StringComparer.Ordinal)
                .Where(name => !inputs.Contains(name) && !ScoreVariables.Contains(name) && !name.StartsWith("sensitive.", StringComparison.Ordinal))
                .ToList();
        }
        catch (ExpressionException)
        {
            return [];
        }
    }

    /// <summary>The problem text for an unknown identifier, naming it and what the model takes.</summary>
    public static string UnknownIdentifierProblem(string name, IReadOnlySet<string> inputs) =>
        $"'{name}' is not an input of the model (inputs: {string.Join(", ", inputs.Order(StringComparer.Ordinal))}), nor score, confidence, margin or sensitive.*";

    /// <summary>Compiles a rule that <see cref="Validate"/> accepted.</summary>
    public static CompiledExpression Compile(string rule)
    {
        var parsed = RuleExpression.Parse(rule);
        return parsed.Compile(For(parsed.Identifiers), ExpressionType.Boolean);
    }
}

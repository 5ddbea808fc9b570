namespace Warden.Core.Pipelines.Expressions;

/// <summary>
/// A parsed expression of Warden's rule language: literals, identifiers (dotted allowed), arithmetic, comparisons,
/// and/or/not, <c>in [...]</c> and a fixed set of functions. Parsing is hand-written (tokenizer + recursive descent);
/// there is no reflection, no code generation and no loop construct. Grammar: docs/expressions.md.
/// </summary>
/// <example>
/// <code>
/// var schema = new ExpressionSchema([new("lvrat", ExpressionType.Number), new("chist", ExpressionType.Number)]);
/// var rule = RuleExpression.Parse("lvrat > 1.2 and chist >= 5").Compile(schema, ExpressionType.Boolean);
/// bool flagged = rule.EvaluateBoolean(new Dictionary&lt;string, object?&gt; { ["lvrat"] = 1.3, ["chist"] = 6.0 });
/// </code>
/// </example>
public sealed class RuleExpression
{
    private readonly ExpressionNode _root;

    private RuleExpression(string text, ExpressionNode root)
    {
        Text = text;
        _root = root;
        var names = new List<string>();
        Collect(root, names);
        Identifiers = names;
    }

    /// <summary>The source text.</summary>
    public string Text { get; }

    /// <summary>Identifiers the expression reads, in order of first appearance, without duplicates.</summary>
    public IReadOnlyList<string> Identifiers { get; }

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="ExpressionException">A syntax error or a limit was exceeded (kind Syntax or Limit).</exception>
    public static RuleExpression Parse(string text, ExpressionLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new RuleExpression(text, Parser.Parse(text, limits ?? ExpressionLimits.Default));
    }

    /// <summary>
    /// Reports every problem without evaluating anything: the first syntax or limit error if the text does not parse
    /// (parsing stops there), otherwise every unknown identifier, unknown function and type error.
    /// </summary>
    /// <param name="text">The expression.</param>
    /// <param name="schema">Known identifiers and their types.</param>
    /// <param name="resultType">Required type of the whole expression (e.g. boolean for a rule), or null for any.</param>
    /// <param name="limits">Length and depth limits; <see cref="ExpressionLimits.Default"/> when null.</param>
    public static IReadOnlyList<ExpressionError> Validate(
        string text, ExpressionSchema schema, ExpressionType? resultType = null, ExpressionLimits? limits = null)
    {
        try
        {
            return Parse(text, limits).Validate(schema, resultType);
        }
        catch (ExpressionException e)
        {
            return e.Errors;
        }
    }

    /// <summary>Every unknown identifier, unknown function and type error, in text order of discovery.</summary>
    public IReadOnlyList<ExpressionError> Validate(ExpressionSchema schema, ExpressionType? resultType = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return TypeChecker.Check(_root, schema, resultType).Errors;
    }

    /// <summary>Type-checks against <paramref name="schema"/> and compiles to closures.</summary>
    /// <exception cref="ExpressionException">With every error <see cref="Validate(ExpressionSchema, ExpressionType?)"/> finds.</exception>
    public CompiledExpression Compile(ExpressionSchema schema, ExpressionType? resultType = null)
    {
        var errors = Validate(schema, resultType);
        if (errors.Count > 0)
        {
            throw new ExpressionException(errors);
        }

        return new CompiledExpression(Text, ExpressionCompiler.Compile(_root, schema));
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static void Collect(ExpressionNode node, List<string> names)
    {
        StackGuard.Ensure(node.Position);
        switch (node)
        {
            case IdentifierNode identifier when !names.Contains(identifier.Name):
                names.Add(identifier.Name);
                break;
            case UnaryNode unary:
                Collect(unary.Operand, names);
                break;
            case BinaryNode binary:
                Collect(binary.Left, names);
                Collect(binary.Right, names);
                break;
            case MembershipNode membership:
                Collect(membership.Value, names);
                break;
            case CallNode call:
                foreach (var argument in call.Arguments)
                {
                    Collect(argument, names);
                }

                break;
        }
    }
}

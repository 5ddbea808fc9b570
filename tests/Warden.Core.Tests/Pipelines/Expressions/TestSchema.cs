using Warden.Core.Pipelines.Expressions;

namespace Warden.Core.Tests.Pipelines.Expressions;

internal static class TestSchema
{
    public static ExpressionSchema Schema { get; } = new(
    [
        new("a", ExpressionType.Number),
        new("b", ExpressionType.Number),
        new("c", ExpressionType.Number),
        new("lvrat", ExpressionType.Number),
        new("chist", ExpressionType.Number),
        new("name", ExpressionType.String),
        new("flag", ExpressionType.Boolean),
        new("sensitive.race", ExpressionType.String),
    ]);

    public const string Known = "a, b, c, chist, flag, lvrat, name, sensitive.race";

    public static Dictionary<string, object?> Values(params (string Name, object? Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);

    public static Dictionary<string, object?> Typical() => Values(
        ("a", 2.0), ("b", 3.0), ("c", -1.5), ("lvrat", 0.8), ("chist", 5.0),
        ("name", "bob"), ("flag", true), ("sensitive.race", "black"));

    public static object Eval(string text, Dictionary<string, object?>? values = null) =>
        RuleExpression.Parse(text).Compile(Schema).Evaluate(values ?? Typical());

    public static ExpressionError SingleError(string text, ExpressionType? resultType = null)
    {
        var errors = RuleExpression.Validate(text, Schema, resultType);
        return Assert.Single(errors);
    }
}

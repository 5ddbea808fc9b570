using Warden.Core.Pipelines.Expressions;
using static Warden.Core.Tests.Pipelines.Expressions.TestSchema;

namespace Warden.Core.Tests.Pipelines.Expressions;

public class ExpressionEvaluationTests
{
    [Theory]
    [InlineData("1 + 2 * 3", 7.0)]          // * before +: 1 + 6
    [InlineData("(1 + 2) * 3", 9.0)]
    [InlineData("10 - 4 - 3", 3.0)]         // left-associative: (10 − 4) − 3, not 10 − (4 − 3) = 9
    [InlineData("24 / 4 / 3", 2.0)]         // (24 / 4) / 3, not 24 / (4 / 3) = 18
    [InlineData("-2 * 3", -6.0)]
    [InlineData("- -2", 2.0)]
    [InlineData("2 - -1", 3.0)]
    [InlineData("-a * b", -6.0)]            // a = 2, b = 3
    [InlineData("a * b - c", 7.5)]          // 6 − (−1.5)
    [InlineData(".5 + 1e2 + 2.5E-1", 100.75)]
    [InlineData("abs(c)", 1.5)]
    [InlineData("min(a, b, c)", -1.5)]
    [InlineData("max(a, b, c)", 3.0)]
    [InlineData("round(2.5)", 3.0)]         // away from zero, not banker's rounding (which gives 2)
    [InlineData("round(-2.5)", -3.0)]
    [InlineData("round(1.23456, 2)", 1.23)]
    [InlineData("log(exp(2))", 2.0)]
    [InlineData("exp(0)", 1.0)]
    public void Arithmetic_follows_precedence_and_left_associativity(string text, double expected)
    {
        Assert.Equal(expected, (double)Eval(text), 12);
    }

    [Theory]
    [InlineData("true or false and false", true)]   // and before or: true or (false and false); (true or false) and false = false
    [InlineData("false and true or true", true)]    // (false and true) or true
    [InlineData("not true or true", true)]          // (not true) or true; not (true or true) = false
    [InlineData("not 1 > 2", true)]                 // not binds looser than comparison: not (1 > 2)
    [InlineData("!false && !false", true)]
    [InlineData("false || !(true && false)", true)]
    [InlineData("not not flag", true)]
    [InlineData("1 + 2 > 2 and 3 < 4", true)]
    [InlineData("a == 2 and b != 2", true)]
    [InlineData("a <= 2 and a >= 2 and not (a < 2) and not (a > 2)", true)]
    [InlineData("name == 'bob'", true)]
    [InlineData("name == \"bob\"", true)]
    [InlineData("name < 'carl' and name > 'alice'", true)]    // ordinal string order
    [InlineData("'B' < 'a'", true)]                           // ordinal: 'B' (66) < 'a' (97)
    [InlineData("flag == true", true)]
    [InlineData("sensitive.race in ['black', 'hispanic']", true)]
    [InlineData("sensitive.race not in ['black']", false)]
    [InlineData("a in [1, 2, -3]", true)]
    [InlineData("c in [-1.5]", true)]
    [InlineData("a in []", false)]
    [InlineData("flag in [false]", false)]
    [InlineData("'it\\'s' == \"it's\"", true)]
    public void Boolean_operators_follow_precedence(string text, bool expected)
    {
        Assert.Equal(expected, (bool)Eval(text));
    }

    [Theory]
    [InlineData("a + 1", ExpressionType.Number)]
    [InlineData("name", ExpressionType.String)]
    [InlineData("'x'", ExpressionType.String)]
    [InlineData("a > 1", ExpressionType.Boolean)]
    [InlineData("is_missing(a)", ExpressionType.Boolean)]
    [InlineData("round(a)", ExpressionType.Number)]
    [InlineData("a in [1]", ExpressionType.Boolean)]
    public void Result_type_is_inferred_statically(string text, ExpressionType expected)
    {
        Assert.Equal(expected, RuleExpression.Parse(text).Compile(Schema).ResultType);
    }

    [Fact]
    public void Typed_evaluation_returns_unboxed_values()
    {
        var values = Typical();
        Assert.True(RuleExpression.Parse("lvrat < 1.2 and chist >= 5").Compile(Schema, ExpressionType.Boolean).EvaluateBoolean(values));
        Assert.Equal(6.0, RuleExpression.Parse("a * b").Compile(Schema).EvaluateNumber(values));
        Assert.Equal("bob", RuleExpression.Parse("name").Compile(Schema).EvaluateString(values));
        var error = Assert.Throws<InvalidOperationException>(() => RuleExpression.Parse("a").Compile(Schema).EvaluateBoolean(values));
        Assert.Equal("The expression 'a' is a number, not a boolean.", error.Message);
    }

    [Fact]
    public void Integer_and_decimal_inputs_are_read_as_numbers()
    {
        var values = Values(("a", 2), ("b", 3L), ("c", 0.5m));
        Assert.Equal(5.5, (double)Eval("a + b + c", values));
    }

    [Fact]
    public void Missing_values_are_detected_and_or_short_circuits_around_them()
    {
        // a absent, b null, c NaN: all three are missing.
        var values = Values(("b", null), ("c", double.NaN));
        Assert.Equal(true, Eval("is_missing(a) and is_missing(b) and is_missing(c)", values));
        Assert.Equal(true, Eval("is_missing(a) or a > 1", values));
        Assert.Equal(false, Eval("not is_missing(a) and a > 1", values));
        Assert.Equal(false, Eval("is_missing(flag)", Typical()));
    }

    [Fact]
    public void Identifiers_are_listed_once_in_order_of_appearance()
    {
        var expression = RuleExpression.Parse("b > a and sensitive.race == 'x' or is_missing(b) or abs(a) > c");
        Assert.Equal(["b", "a", "sensitive.race", "c"], expression.Identifiers);
    }

    [Fact]
    public void Whitespace_and_newlines_are_allowed_between_tokens()
    {
        Assert.Equal(true, Eval("\n  a >\t1\r\n  and b < 4\n"));
    }
}

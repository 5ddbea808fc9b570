using Warden.Core.Pipelines.Expressions;
using static Warden.Core.Tests.Pipelines.Expressions.TestSchema;

namespace Warden.Core.Tests.Pipelines.Expressions;

public class ExpressionErrorTests
{
    [Theory]
    [InlineData("lvrat > ", "expected a value, found end of expression at 1:9", 1, 9)]
    [InlineData("", "expected a value, found end of expression at 1:1", 1, 1)]
    [InlineData("(lvrat > 1", "expected ')' to close the '(' at 1:1, found end of expression at 1:11", 1, 11)]
    [InlineData("lvrat = 1", "unexpected '=' at 1:7; use '==' to compare", 1, 7)]
    [InlineData("a & b", "unexpected '&' at 1:3; use '&&' or 'and'", 1, 3)]
    [InlineData("a | b", "unexpected '|' at 1:3; use '||' or 'or'", 1, 3)]
    [InlineData("lvrat @ 1", "unexpected character '@' at 1:7", 1, 7)]
    [InlineData("a > 1 and\n  b # 2", "unexpected character '#' at 2:5", 2, 5)]
    [InlineData("name == 'abc", "unterminated string at 1:9", 1, 9)]
    [InlineData("'a\\q'", "unknown escape '\\q' at 1:3; use \\\\, \\', \\\", \\n or \\t", 1, 3)]
    [InlineData("1.2.3", "malformed number '1.2.3' at 1:1", 1, 1)]
    [InlineData("2x", "malformed number '2x' at 1:1", 1, 1)]
    [InlineData("1e+", "malformed number '1e+' at 1:1; an exponent needs digits", 1, 1)]
    [InlineData("1e999 > a", "number '1e999' is out of range at 1:1", 1, 1)]
    [InlineData("sensitive. race", "malformed identifier 'sensitive.' at 1:1; a '.' must be followed by a name", 1, 1)]
    [InlineData("a < b < c", "unexpected '<' at 1:7; comparisons cannot be chained, combine them with 'and'", 1, 7)]
    [InlineData("a in [1] in [2]", "unexpected 'in' at 1:10; comparisons cannot be chained, combine them with 'and'", 1, 10)]
    [InlineData("a in [b]", "expected a literal list item, found identifier 'b' at 1:7; list items are numbers, strings, true or false", 1, 7)]
    [InlineData("a in 1", "expected '[' to start a list after 'in', found number 1 at 1:6", 1, 6)]
    [InlineData("a in [1 2]", "expected ',' or ']' in the list, found number 2 at 1:9", 1, 9)]
    [InlineData("a b", "unexpected identifier 'b' at 1:3; expected an operator or the end of the expression", 1, 3)]
    [InlineData("max(a, b", "expected ',' or ')' to close the call of max at 1:4, found end of expression at 1:9", 1, 9)]
    [InlineData("a + * b", "expected a value, found '*' at 1:5", 1, 5)]
    [InlineData("+a", "expected a value, found '+' at 1:1", 1, 1)]
    public void Syntax_errors_report_message_and_position(string text, string message, int line, int column)
    {
        var error = Assert.Throws<ExpressionException>(() => RuleExpression.Parse(text)).Error;

        Assert.Equal(message, error.Message);
        Assert.Equal(ExpressionErrorKind.Syntax, error.Kind);
        Assert.Equal((line, column), (error.Position.Line, error.Position.Column));
    }

    [Fact]
    public void Unknown_identifier_lists_the_known_ones()
    {
        var error = SingleError("lvrat2 > 1.2");

        Assert.Equal("unknown identifier 'lvrat2' at 1:1; known: " + Known, error.Message);
        Assert.Equal(ExpressionErrorKind.UnknownIdentifier, error.Kind);
    }

    [Fact]
    public void Unknown_identifier_on_a_later_line_has_its_line_and_column()
    {
        var error = SingleError("a > 1 and\n  zz < 2");
        Assert.Equal("unknown identifier 'zz' at 2:3; known: " + Known, error.Message);
    }

    [Fact]
    public void Unknown_identifier_with_an_empty_schema_says_none_are_defined()
    {
        var error = Assert.Single(RuleExpression.Validate("x", new ExpressionSchema([])));
        Assert.Equal("unknown identifier 'x' at 1:1; no identifiers are defined", error.Message);
    }

    [Theory]
    [InlineData("foo(a)", ExpressionErrorKind.UnknownFunction, "unknown function 'foo' at 1:1; available: abs, exp, is_missing, log, max, min, round")]
    [InlineData("round(a, 1, 2)", ExpressionErrorKind.Type, "function 'round' takes 1 or 2 arguments, found 3 at 1:1")]
    [InlineData("abs()", ExpressionErrorKind.Type, "function 'abs' takes 1 argument, found 0 at 1:1")]
    [InlineData("min(a)", ExpressionErrorKind.Type, "function 'min' takes at least 2 arguments, found 1 at 1:1")]
    [InlineData("abs(name)", ExpressionErrorKind.Type, "argument 1 of 'abs' must be a number, found a string at 1:5")]
    [InlineData("max(1, a > b)", ExpressionErrorKind.Type, "argument 2 of 'max' must be a number, found a boolean at 1:8")]
    [InlineData("is_missing(a + 1)", ExpressionErrorKind.Type, "function 'is_missing' expects an identifier at 1:12")]
    [InlineData("name + 1", ExpressionErrorKind.Type, "operator '+' expects numbers, found string and number at 1:6")]
    [InlineData("-name", ExpressionErrorKind.Type, "operator '-' expects a number, found a string at 1:1")]
    [InlineData("!a", ExpressionErrorKind.Type, "operator '!' expects a boolean, found a number at 1:1")]
    [InlineData("a == name", ExpressionErrorKind.Type, "operator '==' compares values of the same type, found number and string at 1:3")]
    [InlineData("flag < true", ExpressionErrorKind.Type, "operator '<' expects two numbers or two strings, found boolean and boolean at 1:6")]
    [InlineData("a and flag", ExpressionErrorKind.Type, "operator 'and' expects booleans, found number and boolean at 1:3")]
    [InlineData("a in [1, 'x']", ExpressionErrorKind.Type, "list item is a string but the value tested is a number at 1:10")]
    public void Type_and_function_errors_report_message_and_position(string text, ExpressionErrorKind kind, string message)
    {
        var error = SingleError(text);
        Assert.Equal(message, error.Message);
        Assert.Equal(kind, error.Kind);
    }

    [Fact]
    public void Required_result_type_is_checked()
    {
        var error = SingleError("  a + 1", ExpressionType.Boolean);
        Assert.Equal("expression must be a boolean, found a number at 1:3", error.Message);
        Assert.Empty(RuleExpression.Validate("a > 1", Schema, ExpressionType.Boolean));
    }

    [Fact]
    public void Validation_reports_every_error_without_cascades()
    {
        var errors = RuleExpression.Validate("lvrat2 > 1 and name + 1 > 2 and foo(zz) and (lvrat2 + 1) * 2 > 0", Schema);

        Assert.Equal(
        [
            "unknown identifier 'lvrat2' at 1:1; known: " + Known,
            "operator '+' expects numbers, found string and number at 1:21",
            "unknown function 'foo' at 1:33; available: abs, exp, is_missing, log, max, min, round",
            "unknown identifier 'zz' at 1:37; known: " + Known,
            "unknown identifier 'lvrat2' at 1:46; known: " + Known,
        ],
            errors.Select(e => e.Message));
    }

    [Fact]
    public void Compile_throws_with_all_validation_errors()
    {
        var exception = Assert.Throws<ExpressionException>(() => RuleExpression.Parse("x > 1 or y").Compile(Schema));
        Assert.Equal(2, exception.Errors.Count);
        Assert.Equal(
            $"unknown identifier 'x' at 1:1; known: {Known}{Environment.NewLine}unknown identifier 'y' at 1:10; known: {Known}",
            exception.Message);
    }

    [Fact]
    public void Validate_returns_syntax_errors_instead_of_throwing()
    {
        var error = Assert.Single(RuleExpression.Validate("a >", Schema));
        Assert.Equal(ExpressionErrorKind.Syntax, error.Kind);
    }

    [Fact]
    public void Documentation_validation_example_gives_the_documented_messages()
    {
        var schema = new ExpressionSchema(
        [
            new("lvrat", ExpressionType.Number),
            new("chist", ExpressionType.Number),
            new("sensitive.race", ExpressionType.String),
        ]);

        var errors = RuleExpression.Validate("lvrat2 > 1.2 and chist >= 'x'", schema, ExpressionType.Boolean);

        Assert.Equal(
        [
            "unknown identifier 'lvrat2' at 1:1; known: chist, lvrat, sensitive.race",
            "operator '>=' expects two numbers or two strings, found number and string at 1:24",
        ],
            errors.Select(e => e.Message));
    }
}

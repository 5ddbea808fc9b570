using Warden.Core.Pipelines.Expressions;
using static Warden.Core.Tests.Pipelines.Expressions.TestSchema;

namespace Warden.Core.Tests.Pipelines.Expressions;

public class ExpressionRuntimeTests
{
    private static ExpressionError RuntimeError(string text, Dictionary<string, object?> values)
    {
        var error = Assert.Throws<ExpressionException>(() => Eval(text, values)).Error;
        Assert.Equal(ExpressionErrorKind.Runtime, error.Kind);
        return error;
    }

    [Fact]
    public void Division_by_zero_is_an_error_at_the_operator_not_infinity()
    {
        Assert.Equal("division by zero at 1:3", RuntimeError("a / b", Values(("a", 1.0), ("b", 0.0))).Message);
        Assert.Equal("division by zero at 1:3", RuntimeError("a / 0", Values(("a", 0.0))).Message);
        Assert.Equal("division by zero at 1:3", RuntimeError("a / -0", Values(("a", 1.0))).Message);
    }

    [Fact]
    public void Division_by_zero_on_a_branch_that_is_not_taken_is_not_evaluated()
    {
        Assert.Equal(true, Eval("b == 0 or a / b > 1", Values(("a", 1.0), ("b", 0.0))));
    }

    [Theory]
    [InlineData("log(a)", 0.0, "log of non-positive number 0 at 1:1")]
    [InlineData("log(a)", -2.0, "log of non-positive number -2 at 1:1")]
    [InlineData("exp(a)", 1000.0, "exp overflowed at 1:1")]
    [InlineData("a * a", 1e200, "multiplication overflowed at 1:3")]
    [InlineData("a + a", 1e308, "addition overflowed at 1:3")]
    [InlineData("a - -a", 1e308, "subtraction overflowed at 1:3")]
    [InlineData("a / 1e-300", 1e300, "division overflowed at 1:3")]
    [InlineData("round(1.5, a)", 0.5, "round digits must be a whole number from 0 to 15, found 0.5 at 1:1")]
    [InlineData("round(1.5, a)", 16.0, "round digits must be a whole number from 0 to 15, found 16 at 1:1")]
    public void Non_finite_and_out_of_domain_results_are_errors(string text, double a, string message)
    {
        Assert.Equal(message, RuntimeError(text, Values(("a", a))).Message);
    }

    [Fact]
    public void Missing_input_is_an_error_that_names_the_guard()
    {
        Assert.Equal("value of 'a' is missing at 1:5; guard it with is_missing(a)", RuntimeError("1 < a", Values()).Message);
        Assert.Equal("value of 'a' is missing at 1:1; guard it with is_missing(a)", RuntimeError("a > 1", Values(("a", double.NaN))).Message);
        Assert.Equal("value of 'name' is missing at 1:1; guard it with is_missing(name)", RuntimeError("name == 'x'", Values(("name", null))).Message);
    }

    [Fact]
    public void Input_of_the_wrong_type_is_an_error()
    {
        Assert.Equal("value of 'a' should be a number, found String at 1:1", RuntimeError("a > 1", Values(("a", "1"))).Message);
        Assert.Equal("value of 'flag' should be a boolean, found Double at 1:1", RuntimeError("flag", Values(("flag", 1.0))).Message);
        Assert.Equal("value of 'name' should be a string, found Boolean at 1:1", RuntimeError("name == 'x'", Values(("name", true))).Message);
        Assert.Equal("value of 'a' is not finite at 1:1", RuntimeError("a > 1", Values(("a", double.PositiveInfinity))).Message);
    }
}

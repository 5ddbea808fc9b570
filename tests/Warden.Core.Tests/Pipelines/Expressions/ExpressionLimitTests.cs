using Warden.Core.Pipelines.Expressions;

namespace Warden.Core.Tests.Pipelines.Expressions;

public class ExpressionLimitTests
{
    [Fact]
    public void Nesting_deeper_than_the_limit_is_rejected_at_the_first_level_too_deep()
    {
        var ok = new string('(', 100) + "1" + new string(')', 100);
        var tooDeep = new string('(', 101) + "1" + new string(')', 101);

        Assert.Equal(1.0, RuleExpression.Parse(ok).Compile(new ExpressionSchema([])).EvaluateNumber(new Dictionary<string, object?>()));
        var error = Assert.Throws<ExpressionException>(() => RuleExpression.Parse(tooDeep)).Error;
        Assert.Equal(ExpressionErrorKind.Limit, error.Kind);
        Assert.Equal("expression is nested too deeply (limit 100) at 1:101", error.Message);
    }

    [Theory]
    [InlineData('(')]
    [InlineData('-')]
    [InlineData('!')]
    public void Hostile_nesting_up_to_the_length_limit_fails_cleanly_without_stack_overflow(char opener)
    {
        var limits = new ExpressionLimits { MaxLength = ExpressionLimits.LengthCeiling };
        var text = new string(opener, ExpressionLimits.LengthCeiling - 1) + "1";

        var error = Assert.Throws<ExpressionException>(() => RuleExpression.Parse(text, limits)).Error;
        Assert.Equal(ExpressionErrorKind.Limit, error.Kind);
    }

    [Fact]
    public void Long_operator_chains_count_towards_the_depth_limit()
    {
        // "1+1+...": k operators give a left-leaning tree of height k + 1, so the 100th '+' (offset 1 + 2·99 = 199) breaks the limit.
        var chain = "1" + string.Concat(Enumerable.Repeat("+1", 100));
        var error = Assert.Throws<ExpressionException>(() => RuleExpression.Parse(chain)).Error;
        Assert.Equal("expression is nested too deeply (limit 100) at 1:200", error.Message);
        Assert.Equal(99.0 + 1, RuleExpression.Parse("1" + string.Concat(Enumerable.Repeat("+1", 99)))
            .Compile(new ExpressionSchema([])).EvaluateNumber(new Dictionary<string, object?>()));
    }

    [Fact]
    public void Text_longer_than_the_limit_is_rejected_before_tokenizing()
    {
        var error = Assert.Throws<ExpressionException>(() => RuleExpression.Parse(new string('@', 5000))).Error;
        Assert.Equal("expression is longer than the limit of 4096 characters (5000) at 1:4097", error.Message);
        Assert.Equal(ExpressionErrorKind.Limit, error.Kind);
    }

    [Fact]
    public void Limits_outside_their_ceilings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExpressionLimits { MaxDepth = ExpressionLimits.DepthCeiling + 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExpressionLimits { MaxLength = 0 });
    }

    [Fact]
    public void Deepest_allowed_nesting_evaluates_on_a_small_thread_stack()
    {
        // 1,000 levels of parentheses and negations at the ceiling, parsed, checked, compiled and evaluated on a
        // 256 KiB stack: the depth limit, not the platform stack size, is what bounds recursion.
        var limits = new ExpressionLimits { MaxDepth = ExpressionLimits.DepthCeiling, MaxLength = 10_000 };
        var text = string.Concat(Enumerable.Repeat("-(", 499)) + "1" + new string(')', 499);
        double result = 0;
        Exception? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = RuleExpression.Parse(text, limits).Compile(new ExpressionSchema([])).EvaluateNumber(new Dictionary<string, object?>());
                }
                catch (Exception e)
                {
                    failure = e;
                }
            },
            256 * 1024);
        thread.Start();
        thread.Join();

        Assert.Null(failure);
        Assert.Equal(-1.0, result); // 499 negations of 1
    }
}

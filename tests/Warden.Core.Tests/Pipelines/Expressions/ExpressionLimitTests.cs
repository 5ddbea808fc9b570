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

    private static (double Result, Exception? Failure) RunOnThread(string text, ExpressionLimits limits, int stackBytes)
    {
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
            stackBytes);
        thread.Start();
        thread.Join();
        return (result, failure);
    }

    private static string DeepestAllowed() =>
        // 249 "-(" pairs plus nothing else: 498 nesting levels and a tree of height 250, both under the ceiling of 500.
        string.Concat(Enumerable.Repeat("-(", 249)) + "1" + new string(')', 249);

    [Fact]
    public void Deepest_allowed_nesting_evaluates_on_an_ordinary_thread_stack()
    {
        var limits = new ExpressionLimits { MaxDepth = ExpressionLimits.DepthCeiling };

        var (result, failure) = RunOnThread(DeepestAllowed(), limits, 4 * 1024 * 1024);

        Assert.Null(failure);
        Assert.Equal(-1.0, result); // 249 negations of 1
    }

    [Fact]
    public void Deep_nesting_on_a_tiny_thread_stack_is_a_limit_error_not_a_crash()
    {
        var limits = new ExpressionLimits { MaxDepth = ExpressionLimits.DepthCeiling };

        var (_, failure) = RunOnThread(DeepestAllowed(), limits, 192 * 1024);

        var error = Assert.IsType<ExpressionException>(failure).Error;
        Assert.Equal(ExpressionErrorKind.Limit, error.Kind);
        Assert.StartsWith("expression is nested too deeply for this thread's stack at ", error.Message);
    }

    [Fact]
    public void Evaluating_a_tree_at_the_depth_ceiling_fits_a_256_KiB_stack()
    {
        // Evaluation has no stack check (hot path), so the ceiling itself must keep it shallow: 499 '+' give height 500.
        var limits = new ExpressionLimits { MaxDepth = ExpressionLimits.DepthCeiling };
        var compiled = RuleExpression.Parse("1" + string.Concat(Enumerable.Repeat("+1", 499)), limits).Compile(new ExpressionSchema([]));
        double result = 0;
        var thread = new Thread(() => result = compiled.EvaluateNumber(new Dictionary<string, object?>()), 256 * 1024);
        thread.Start();
        thread.Join();

        Assert.Equal(500.0, result);
    }
}

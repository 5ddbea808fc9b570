using System.Diagnostics;
using Warden.Core.Pipelines.Expressions;

namespace Warden.Core.Tests.Pipelines.Expressions;

public class ExpressionPerformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void Compiled_rule_evaluates_well_under_a_microsecond()
    {
        var schema = new ExpressionSchema([new("lvrat", ExpressionType.Number), new("chist", ExpressionType.Number)]);
        var rule = RuleExpression.Parse("lvrat > 1.2 and chist >= 5").Compile(schema, ExpressionType.Boolean);
        var values = new Dictionary<string, object?> { ["lvrat"] = 1.3, ["chist"] = 6.0 };
        const int n = 1_000_000;
        var hits = 0;
        for (var i = 0; i < 100_000; i++)
        {
            hits += rule.EvaluateBoolean(values) ? 1 : 0;
        }

        // Best of three runs, so a burst of load from other processes on the shared machine does not decide the outcome.
        var best = double.MaxValue;
        for (var run = 0; run < 3; run++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < n; i++)
            {
                hits += rule.EvaluateBoolean(values) ? 1 : 0;
            }

            best = Math.Min(best, watch.Elapsed.TotalNanoseconds / n);
        }

        output.WriteLine($"'{rule.Text}': {best:F1} ns per evaluation (best of 3 × {n:N0})");
        Assert.Equal(100_000 + (3 * n), hits);
        Assert.True(best < 1000, $"{best:F1} ns per evaluation");
    }
}

using System.Text;
using Warden.Core.Pipelines.Expressions;
using static Warden.Core.Tests.Pipelines.Expressions.TestSchema;

namespace Warden.Core.Tests.Pipelines.Expressions;

public class ExpressionFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Fragments =
    [
        "a", "b", "c", "lvrat", "name", "flag", "sensitive.race", "zz", "x.y", "1", "0", "2.5", "-", "1e308", "1e999", ".5", "1.", "1e",
        "'s'", "\"t\"", "'", "\"", "\\", "(", ")", "[", "]", ",", "+", "*", "/", "<", "<=", ">", ">=", "==", "!=", "=", "!",
        "&&", "||", "&", "|", "and", "or", "not", "in", "true", "false", "abs(", "min(", "max(", "round(", "log(", "exp(",
        "is_missing(", "foo(", " ", "\n", "@", "é", "\0", "\uD800",
    ];

    private static readonly Dictionary<string, object?>[] Inputs =
    [
        Typical(),
        Values(("a", 0.0), ("b", 0.0), ("c", 0.0), ("lvrat", 1e308), ("chist", -1e308), ("name", ""), ("flag", false), ("sensitive.race", "")),
        Values(("a", double.NaN), ("b", null), ("name", null)),
        Values(("a", "text"), ("b", true), ("flag", 1.0), ("name", 5), ("lvrat", double.NegativeInfinity)),
        Values(),
    ];

    /// <summary>Parses, validates, compiles and evaluates; returns how far it got. Any exception but ours escapes.</summary>
    private static int Exercise(string text)
    {
        Assert.NotNull(RuleExpression.Validate(text, Schema));
        RuleExpression parsed;
        try
        {
            parsed = RuleExpression.Parse(text);
        }
        catch (ExpressionException e)
        {
            Assert.NotEmpty(e.Errors);
            return 0;
        }

        CompiledExpression compiled;
        try
        {
            compiled = parsed.Compile(Schema);
        }
        catch (ExpressionException e)
        {
            Assert.NotEmpty(e.Errors);
            return 1;
        }

        var evaluated = 2;
        foreach (var input in Inputs)
        {
            try
            {
                compiled.Evaluate(input);
                evaluated = 3;
            }
            catch (ExpressionException e)
            {
                Assert.Equal(ExpressionErrorKind.Runtime, e.Error.Kind);
            }
        }

        return evaluated;
    }

    [Fact]
    public void Random_characters_only_ever_raise_expression_exceptions()
    {
        var random = new Random(1234);
        const string alphabet = "ab1.e()[],+-*/<>=!&|'\" \n_xz0in\\@";
        var stages = new int[4];
        for (var i = 0; i < 20_000; i++)
        {
            var length = random.Next(0, 30);
            var text = new StringBuilder(length);
            for (var j = 0; j < length; j++)
            {
                text.Append(random.Next(50) == 0 ? (char)random.Next(0, 0x10000) : alphabet[random.Next(alphabet.Length)]);
            }

            stages[Exercise(text.ToString())]++;
        }

        output.WriteLine($"syntax errors {stages[0]}, check errors {stages[1]}, compiled {stages[2]}, evaluated {stages[3]}");
        Assert.True(stages[0] > 0 && stages[3] > 0);
    }

    [Fact]
    public void Random_token_sequences_only_ever_raise_expression_exceptions()
    {
        var random = new Random(5678);
        var stages = new int[4];
        for (var i = 0; i < 30_000; i++)
        {
            var count = random.Next(1, 16);
            var text = new StringBuilder();
            for (var j = 0; j < count; j++)
            {
                text.Append(Fragments[random.Next(Fragments.Length)]).Append(random.Next(3) == 0 ? "" : " ");
            }

            stages[Exercise(text.ToString())]++;
        }

        output.WriteLine($"syntax errors {stages[0]}, check errors {stages[1]}, compiled {stages[2]}, evaluated {stages[3]}");
        Assert.True(stages[1] > 0 && stages[3] > 0);
    }

    [Fact]
    public void Random_well_formed_expressions_evaluate_or_fail_with_runtime_errors_only()
    {
        // Grammar-directed generation reaches deep into the type checker and evaluator, which random text rarely does.
        var random = new Random(91011);
        var stages = new int[4];
        for (var i = 0; i < 5_000; i++)
        {
            stages[Exercise(Generate(random, 0))]++;
        }

        output.WriteLine($"syntax errors {stages[0]}, check errors {stages[1]}, compiled {stages[2]}, evaluated {stages[3]}");
        Assert.Equal(0, stages[0]);
        Assert.True(stages[1] > 0 && stages[3] > 0);
    }

    private static string Generate(Random random, int depth)
    {
        if (depth > 6 || random.Next(4) == 0)
        {
            return Fragments[random.Next(0, 18)] switch
            {
                "-" or "1e999" or "1." or "1e" => "1",
                var leaf => leaf,
            };
        }

        // Compound operands are parenthesised so the text stays in the grammar whatever the precedence (e.g. "-(not a)").
        string Sub() => Generate(random, depth + 1);
        return "(" + random.Next(9) switch
        {
            0 => $"({Sub()})",
            1 => $"-{Sub()}",
            2 => $"not {Sub()}",
            3 => $"{Sub()} {new[] { "+", "-", "*", "/" }[random.Next(4)]} {Sub()}",
            4 => $"{Sub()} {new[] { "<", "<=", ">", ">=", "==", "!=" }[random.Next(6)]} {Sub()}",
            5 => $"{Sub()} {new[] { "and", "or", "&&", "||" }[random.Next(4)]} {Sub()}",
            6 => $"{Sub()} in [{new[] { "1, -2", "'x', 'black'", "true", "" }[random.Next(4)]}]",
            7 => $"{new[] { "abs", "exp", "log", "round", "min", "max", "is_missing" }[random.Next(7)]}({Sub()}{(random.Next(2) == 0 ? ", " + Sub() : "")})",
            _ => $"is_missing({new[] { "a", "name", "flag", "zz" }[random.Next(4)]})",
        } + ")";
    }
}

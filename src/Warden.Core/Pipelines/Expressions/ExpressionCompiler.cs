namespace Warden.Core.Pipelines.Expressions;

using Variables = IReadOnlyDictionary<string, object?>;

/// <summary>
/// Turns a type-checked tree into nested closures, one per node; no code is generated and nothing is reflected.
/// Only trees without type errors reach here.
/// </summary>
internal sealed class ExpressionCompiler
{
    private readonly ExpressionSchema _schema;

    private ExpressionCompiler(ExpressionSchema schema) => _schema = schema;

    public static CompiledNode Compile(ExpressionNode node, ExpressionSchema schema) => new ExpressionCompiler(schema).Compile(node);

    private CompiledNode Compile(ExpressionNode node)
    {
        StackGuard.Ensure(node.Position);
        return CompileNode(node);
    }

    private CompiledNode CompileNode(ExpressionNode node) => node switch
    {
        LiteralNode literal => CompileLiteral(literal),
        IdentifierNode identifier => CompileIdentifier(identifier),
        UnaryNode unary => CompileUnary(unary),
        BinaryNode binary => CompileBinary(binary),
        MembershipNode membership => CompileMembership(membership),
        CallNode call => CompileCall(call),
        _ => throw new InvalidOperationException($"Unhandled node {node.GetType().Name}."),
    };

    private static CompiledNode CompileLiteral(LiteralNode node)
    {
        switch (node.Value)
        {
            case double number:
                return new CompiledNode(ExpressionType.Number, Number: _ => number);
            case string text:
                return new CompiledNode(ExpressionType.String, Text: _ => text);
            default:
                var flag = (bool)node.Value;
                return new CompiledNode(ExpressionType.Boolean, Boolean: _ => flag);
        }
    }

    private CompiledNode CompileIdentifier(IdentifierNode node)
    {
        var name = node.Name;
        var at = node.Position;
        return TypeOf(node) switch
        {
            ExpressionType.Number => new CompiledNode(ExpressionType.Number, Number: v => RuntimeValues.Number(v, name, at)),
            ExpressionType.String => new CompiledNode(ExpressionType.String, Text: v => RuntimeValues.Text(v, name, at)),
            _ => new CompiledNode(ExpressionType.Boolean, Boolean: v => RuntimeValues.Boolean(v, name, at)),
        };
    }

    private ExpressionType TypeOf(IdentifierNode node) =>
        _schema.TryGetType(node.Name, out var type)
            ? type
            : throw new InvalidOperationException($"Identifier '{node.Name}' reached the compiler without a type.");

    private CompiledNode CompileUnary(UnaryNode node)
    {
        var operand = Compile(node.Operand);
        if (node.Operator == UnaryOperator.Not)
        {
            var inner = operand.AsBoolean;
            return new CompiledNode(ExpressionType.Boolean, Boolean: v => !inner(v));
        }

        var number = operand.AsNumber;
        return new CompiledNode(ExpressionType.Number, Number: v => -number(v));
    }

    private CompiledNode CompileBinary(BinaryNode node)
    {
        var left = Compile(node.Left);
        var right = Compile(node.Right);
        var at = node.Position;
        switch (node.Operator)
        {
            case BinaryOperator.And:
            {
                var (l, r) = (left.AsBoolean, right.AsBoolean);
                return new CompiledNode(ExpressionType.Boolean, Boolean: v => l(v) && r(v));
            }

            case BinaryOperator.Or:
            {
                var (l, r) = (left.AsBoolean, right.AsBoolean);
                return new CompiledNode(ExpressionType.Boolean, Boolean: v => l(v) || r(v));
            }

            case BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply or BinaryOperator.Divide:
                return new CompiledNode(ExpressionType.Number, Number: Arithmetic(node.Operator, left.AsNumber, right.AsNumber, at));
            case BinaryOperator.Equal or BinaryOperator.NotEqual:
                return new CompiledNode(ExpressionType.Boolean, Boolean: Equality(node.Operator == BinaryOperator.NotEqual, left, right));
            default:
                return new CompiledNode(ExpressionType.Boolean, Boolean: Ordering(node.Operator, left, right));
        }
    }

    private static Func<Variables, double> Arithmetic(
        BinaryOperator op, Func<Variables, double> l, Func<Variables, double> r, SourcePosition at) => op switch
    {
        BinaryOperator.Add => v => RuntimeValues.Finite(l(v) + r(v), at, "addition"),
        BinaryOperator.Subtract => v => RuntimeValues.Finite(l(v) - r(v), at, "subtraction"),
        BinaryOperator.Multiply => v => RuntimeValues.Finite(l(v) * r(v), at, "multiplication"),
        _ => v =>
        {
            var numerator = l(v);
            var denominator = r(v);
            return denominator == 0
                ? throw RuntimeValues.Error("division by zero", at)
                : RuntimeValues.Finite(numerator / denominator, at, "division");
        },
    };

    private static Func<Variables, bool> Equality(bool negate, CompiledNode left, CompiledNode right)
    {
        switch (left.Type)
        {
            case ExpressionType.Number:
            {
                var (l, r) = (left.AsNumber, right.AsNumber);
                return negate ? v => l(v) != r(v) : v => l(v) == r(v);
            }

            case ExpressionType.String:
            {
                var (l, r) = (left.AsText, right.AsText);
                return negate ? v => !string.Equals(l(v), r(v), StringComparison.Ordinal) : v => string.Equals(l(v), r(v), StringComparison.Ordinal);
            }

            default:
            {
                var (l, r) = (left.AsBoolean, right.AsBoolean);
                return negate ? v => l(v) != r(v) : v => l(v) == r(v);
            }
        }
    }

    private static Func<Variables, bool> Ordering(BinaryOperator op, CompiledNode left, CompiledNode right)
    {
        if (left.Type == ExpressionType.String)
        {
            var (ls, rs) = (left.AsText, right.AsText);
            Func<int, bool> test = op switch
            {
                BinaryOperator.Less => c => c < 0,
                BinaryOperator.LessEqual => c => c <= 0,
                BinaryOperator.Greater => c => c > 0,
                _ => c => c >= 0,
            };
            return v => test(string.CompareOrdinal(ls(v), rs(v)));
        }

        var (l, r) = (left.AsNumber, right.AsNumber);
        return op switch
        {
            BinaryOperator.Less => v => l(v) < r(v),
            BinaryOperator.LessEqual => v => l(v) <= r(v),
            BinaryOperator.Greater => v => l(v) > r(v),
            _ => v => l(v) >= r(v),
        };
    }

    private CompiledNode CompileMembership(MembershipNode node)
    {
        var value = Compile(node.Value);
        var negated = node.Negated;
        switch (value.Type)
        {
            case ExpressionType.Number:
            {
                var set = node.Items.Select(i => (double)i.Value).ToHashSet();
                var f = value.AsNumber;
                return new CompiledNode(ExpressionType.Boolean, Boolean: v => set.Contains(f(v)) != negated);
            }

            case ExpressionType.String:
            {
                var set = node.Items.Select(i => (string)i.Value).ToHashSet(StringComparer.Ordinal);
                var f = value.AsText;
                return new CompiledNode(ExpressionType.Boolean, Boolean: v => set.Contains(f(v)) != negated);
            }

            default:
            {
                var set = node.Items.Select(i => (bool)i.Value).ToHashSet();
                var f = value.AsBoolean;
                return new CompiledNode(ExpressionType.Boolean, Boolean: v => set.Contains(f(v)) != negated);
            }
        }
    }

    private CompiledNode CompileCall(CallNode node)
    {
        var at = node.Position;
        if (node.Name == FunctionCatalog.IsMissing)
        {
            var name = ((IdentifierNode)node.Arguments[0]).Name;
            return new CompiledNode(ExpressionType.Boolean, Boolean: v => RuntimeValues.IsMissing(v, name));
        }

        var args = node.Arguments.Select(a => Compile(a).AsNumber).ToArray();
        var x = args[0];
        Func<Variables, double> f = node.Name switch
        {
            "abs" => v => Math.Abs(x(v)),
            "exp" => v => RuntimeValues.Finite(Math.Exp(x(v)), at, "exp"),
            "log" => v =>
            {
                var value = x(v);
                return value > 0 ? Math.Log(value) : throw RuntimeValues.Error($"log of non-positive number {value}", at);
            },
            "round" when args.Length == 1 => v => Math.Round(x(v), MidpointRounding.AwayFromZero),
            "round" => v => Math.Round(x(v), Digits(args[1](v), at), MidpointRounding.AwayFromZero),
            "min" => v =>
            {
                var result = x(v);
                for (var i = 1; i < args.Length; i++)
                {
                    result = Math.Min(result, args[i](v));
                }

                return result;
            },
            "max" => v =>
            {
                var result = x(v);
                for (var i = 1; i < args.Length; i++)
                {
                    result = Math.Max(result, args[i](v));
                }

                return result;
            },
            _ => throw new InvalidOperationException($"Function '{node.Name}' reached the compiler but is not in the catalog."),
        };
        return new CompiledNode(ExpressionType.Number, Number: f);
    }

    private static int Digits(double digits, SourcePosition at) =>
        digits is >= 0 and <= 15 && digits == Math.Floor(digits)
            ? (int)digits
            : throw RuntimeValues.Error($"round digits must be a whole number from 0 to 15, found {digits}", at);
}

namespace Warden.Core.Pipelines.Expressions;

/// <summary>
/// Infers the static type of every node against a schema and collects every error instead of stopping at the first.
/// A node whose type cannot be known (unknown identifier, bad operands) yields null, which silences errors that would
/// only repeat the original one.
/// </summary>
internal sealed class TypeChecker
{
    private const int KnownNamesShown = 30;

    private readonly ExpressionSchema _schema;
    private readonly List<ExpressionError> _errors = [];

    private TypeChecker(ExpressionSchema schema) => _schema = schema;

    public static (ExpressionType? Type, List<ExpressionError> Errors) Check(
        ExpressionNode root, ExpressionSchema schema, ExpressionType? expected)
    {
        var checker = new TypeChecker(schema);
        var type = checker.Visit(root);
        if (expected is { } want && type is { } got && got != want)
        {
            checker.Add(ExpressionErrorKind.Type, $"expression must be a {TypeNames.Of(want)}, found a {TypeNames.Of(got)}", root.Start);
        }

        return (type, checker._errors);
    }

    private void Add(ExpressionErrorKind kind, string what, SourcePosition at, string suffix = "") =>
        _errors.Add(ExpressionError.Create(kind, what, at, suffix));

    private ExpressionType? Visit(ExpressionNode node)
    {
        StackGuard.Ensure(node.Position);
        return VisitNode(node);
    }

    private ExpressionType? VisitNode(ExpressionNode node) => node switch
    {
        LiteralNode literal => literal.Type,
        IdentifierNode identifier => VisitIdentifier(identifier),
        UnaryNode unary => VisitUnary(unary),
        BinaryNode binary => VisitBinary(binary),
        MembershipNode membership => VisitMembership(membership),
        CallNode call => VisitCall(call),
        _ => throw new InvalidOperationException($"Unhandled node {node.GetType().Name}."),
    };

    private ExpressionType? VisitIdentifier(IdentifierNode node)
    {
        if (_schema.TryGetType(node.Name, out var type))
        {
            return type;
        }

        var names = _schema.Names;
        var known = names.Count == 0
            ? "; no identifiers are defined"
            : "; known: " + string.Join(", ", names.Take(KnownNamesShown))
              + (names.Count > KnownNamesShown ? $", ... ({names.Count - KnownNamesShown} more)" : "");
        Add(ExpressionErrorKind.UnknownIdentifier, $"unknown identifier '{node.Name}'", node.Position, known);
        return null;
    }

    private ExpressionType? VisitUnary(UnaryNode node)
    {
        var operand = Visit(node.Operand);
        var want = node.Operator == UnaryOperator.Negate ? ExpressionType.Number : ExpressionType.Boolean;
        if (operand is { } got && got != want)
        {
            Add(ExpressionErrorKind.Type, $"operator '{node.Symbol}' expects a {TypeNames.Of(want)}, found a {TypeNames.Of(got)}", node.Position);
        }

        return want;
    }

    private ExpressionType? VisitBinary(BinaryNode node)
    {
        var left = Visit(node.Left);
        var right = Visit(node.Right);
        var known = left is not null && right is not null;
        var found = $"found {TypeNames.Of(left)} and {TypeNames.Of(right)}";
        switch (node.Operator)
        {
            case BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply or BinaryOperator.Divide:
                if (known && (left != ExpressionType.Number || right != ExpressionType.Number))
                {
                    Add(ExpressionErrorKind.Type, $"operator '{node.Symbol}' expects numbers, {found}", node.Position);
                }

                return ExpressionType.Number;
            case BinaryOperator.And or BinaryOperator.Or:
                if (known && (left != ExpressionType.Boolean || right != ExpressionType.Boolean))
                {
                    Add(ExpressionErrorKind.Type, $"operator '{node.Symbol}' expects booleans, {found}", node.Position);
                }

                return ExpressionType.Boolean;
            case BinaryOperator.Equal or BinaryOperator.NotEqual:
                if (known && left != right)
                {
                    Add(ExpressionErrorKind.Type, $"operator '{node.Symbol}' compares values of the same type, {found}", node.Position);
                }

                return ExpressionType.Boolean;
            default:
                if (known && (left != right || left == ExpressionType.Boolean))
                {
                    Add(ExpressionErrorKind.Type, $"operator '{node.Symbol}' expects two numbers or two strings, {found}", node.Position);
                }

                return ExpressionType.Boolean;
        }
    }

    private ExpressionType? VisitMembership(MembershipNode node)
    {
        var value = Visit(node.Value);
        if (value is { } want)
        {
            foreach (var item in node.Items.Where(i => i.Type != want))
            {
                Add(ExpressionErrorKind.Type, $"list item is a {TypeNames.Of(item.Type)} but the value tested is a {TypeNames.Of(want)}", item.Position);
            }
        }

        return ExpressionType.Boolean;
    }

    private ExpressionType? VisitCall(CallNode node)
    {
        if (!FunctionCatalog.TryGetArity(node.Name, out var min, out var max))
        {
            Add(ExpressionErrorKind.UnknownFunction, $"unknown function '{node.Name}'", node.Position, $"; available: {FunctionCatalog.Available}");
            foreach (var argument in node.Arguments)
            {
                Visit(argument);
            }

            return null;
        }

        if (node.Arguments.Count < min || node.Arguments.Count > max)
        {
            Add(ExpressionErrorKind.Type, $"function '{node.Name}' takes {FunctionCatalog.DescribeArity(min, max)}, found {node.Arguments.Count}", node.Position);
        }

        if (node.Name == FunctionCatalog.IsMissing)
        {
            foreach (var argument in node.Arguments)
            {
                if (argument is IdentifierNode identifier)
                {
                    VisitIdentifier(identifier);
                }
                else
                {
                    Add(ExpressionErrorKind.Type, $"function '{node.Name}' expects an identifier", argument.Start);
                    Visit(argument);
                }
            }

            return ExpressionType.Boolean;
        }

        for (var i = 0; i < node.Arguments.Count; i++)
        {
            if (Visit(node.Arguments[i]) is { } got && got != ExpressionType.Number)
            {
                Add(ExpressionErrorKind.Type, $"argument {i + 1} of '{node.Name}' must be a number, found a {TypeNames.Of(got)}", node.Arguments[i].Start);
            }
        }

        return ExpressionType.Number;
    }
}

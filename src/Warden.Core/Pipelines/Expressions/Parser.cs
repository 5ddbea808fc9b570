namespace Warden.Core.Pipelines.Expressions;

/// <summary>
/// Recursive-descent parser, one method per precedence level (see docs/expressions.md for the EBNF). Recursion only
/// happens through parentheses, prefix operators and call arguments, each of which counts against
/// <see cref="ExpressionLimits.MaxDepth"/>, so hostile input cannot overflow the stack.
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private readonly ExpressionLimits _limits;
    private int _index;
    private int _nesting;

    private Parser(List<Token> tokens, ExpressionLimits limits)
    {
        _tokens = tokens;
        _limits = limits;
    }

    private Token Current => _tokens[_index];

    public static ExpressionNode Parse(string text, ExpressionLimits limits)
    {
        if (text.Length > limits.MaxLength)
        {
            throw new ExpressionException(ExpressionError.Create(
                ExpressionErrorKind.Limit,
                $"expression is longer than the limit of {limits.MaxLength} characters ({text.Length})",
                SourcePosition.At(text, limits.MaxLength)));
        }

        var parser = new Parser(Tokenizer.Tokenize(text), limits);
        var root = parser.ParseOr();
        if (parser.Current.Kind != TokenKind.End)
        {
            throw parser.Error($"unexpected {parser.Current.Describe()}", parser.Current, "; expected an operator or the end of the expression");
        }

        return root;
    }

    private ExpressionException Error(string what, Token at, string suffix = "") =>
        new(ExpressionError.Create(ExpressionErrorKind.Syntax, what, at.Position, suffix));

    private ExpressionException DepthError(SourcePosition at) =>
        new(ExpressionError.Create(ExpressionErrorKind.Limit, $"expression is nested too deeply (limit {_limits.MaxDepth})", at));

    private Token Advance() => _tokens[_index++];

    private void Enter(Token at)
    {
        if (++_nesting > _limits.MaxDepth)
        {
            throw DepthError(at.Position);
        }

        StackGuard.Ensure(at.Position);
    }

    private void Leave() => _nesting--;

    private T Checked<T>(T node)
        where T : ExpressionNode =>
        node.Height > _limits.MaxDepth ? throw DepthError(node.Position) : node;

    private ExpressionNode ParseOr()
    {
        var left = ParseAnd();
        while (Current.Kind == TokenKind.Or)
        {
            var op = Advance();
            left = Checked(new BinaryNode(op.Position, BinaryOperator.Or, op.Text, left, ParseAnd()));
        }

        return left;
    }

    private ExpressionNode ParseAnd()
    {
        var left = ParseNot();
        while (Current.Kind == TokenKind.And)
        {
            var op = Advance();
            left = Checked(new BinaryNode(op.Position, BinaryOperator.And, op.Text, left, ParseNot()));
        }

        return left;
    }

    private ExpressionNode ParseNot()
    {
        if (Current.Kind != TokenKind.Not)
        {
            return ParseComparison();
        }

        var op = Advance();
        Enter(op);
        var operand = ParseNot();
        Leave();
        return Checked(new UnaryNode(op.Position, UnaryOperator.Not, op.Text, operand));
    }

    private static BinaryOperator? ComparisonOperator(TokenKind kind) => kind switch
    {
        TokenKind.Less => BinaryOperator.Less,
        TokenKind.LessEqual => BinaryOperator.LessEqual,
        TokenKind.Greater => BinaryOperator.Greater,
        TokenKind.GreaterEqual => BinaryOperator.GreaterEqual,
        TokenKind.Equal => BinaryOperator.Equal,
        TokenKind.NotEqual => BinaryOperator.NotEqual,
        _ => null,
    };

    private bool AtMembership() =>
        Current.Kind == TokenKind.In || (Current.Kind == TokenKind.Not && _tokens[_index + 1].Kind == TokenKind.In);

    private ExpressionNode ParseComparison()
    {
        var left = ParseAdditive();
        ExpressionNode result;
        if (ComparisonOperator(Current.Kind) is { } comparison)
        {
            var op = Advance();
            result = Checked(new BinaryNode(op.Position, comparison, op.Text, left, ParseAdditive()));
        }
        else if (AtMembership())
        {
            var negated = Current.Kind == TokenKind.Not;
            if (negated)
            {
                Advance();
            }

            var op = Advance();
            result = Checked(new MembershipNode(op.Position, left, ParseList(), negated));
        }
        else
        {
            return left;
        }

        if (ComparisonOperator(Current.Kind) is not null || AtMembership())
        {
            throw Error($"unexpected {Current.Describe()}", Current, "; comparisons cannot be chained, combine them with 'and'");
        }

        return result;
    }

    private ExpressionNode ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Current.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var op = Advance();
            var kind = op.Kind == TokenKind.Plus ? BinaryOperator.Add : BinaryOperator.Subtract;
            left = Checked(new BinaryNode(op.Position, kind, op.Text, left, ParseMultiplicative()));
        }

        return left;
    }

    private ExpressionNode ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Current.Kind is TokenKind.Star or TokenKind.Slash)
        {
            var op = Advance();
            var kind = op.Kind == TokenKind.Star ? BinaryOperator.Multiply : BinaryOperator.Divide;
            left = Checked(new BinaryNode(op.Position, kind, op.Text, left, ParseUnary()));
        }

        return left;
    }

    private ExpressionNode ParseUnary()
    {
        if (Current.Kind != TokenKind.Minus)
        {
            return ParsePrimary();
        }

        var op = Advance();
        Enter(op);
        var operand = ParseUnary();
        Leave();
        return Checked(new UnaryNode(op.Position, UnaryOperator.Negate, op.Text, operand));
    }

    private ExpressionNode ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                Advance();
                return new LiteralNode(token.Position, token.Value!, ExpressionType.Number);
            case TokenKind.String:
                Advance();
                return new LiteralNode(token.Position, token.Value!, ExpressionType.String);
            case TokenKind.True or TokenKind.False:
                Advance();
                return new LiteralNode(token.Position, token.Kind == TokenKind.True, ExpressionType.Boolean);
            case TokenKind.Identifier:
                Advance();
                return Current.Kind == TokenKind.LeftParen ? ParseCall(token) : new IdentifierNode(token.Position, token.Text);
            case TokenKind.LeftParen:
                Advance();
                Enter(token);
                var inner = ParseOr();
                Leave();
                Expect(TokenKind.RightParen, $"')' to close the '(' at {token.Position}");
                return inner;
            default:
                throw Error($"expected a value, found {token.Describe()}", token);
        }
    }

    private CallNode ParseCall(Token name)
    {
        var open = Advance();
        Enter(open);
        var arguments = new List<ExpressionNode>();
        if (Current.Kind != TokenKind.RightParen)
        {
            arguments.Add(ParseOr());
            while (Current.Kind == TokenKind.Comma)
            {
                Advance();
                arguments.Add(ParseOr());
            }
        }

        Leave();
        Expect(TokenKind.RightParen, $"',' or ')' to close the call of {name.Text} at {open.Position}");
        return Checked(new CallNode(name.Position, name.Text, arguments));
    }

    private List<LiteralNode> ParseList()
    {
        Expect(TokenKind.LeftBracket, "'[' to start a list after 'in'");
        var items = new List<LiteralNode>();
        if (Current.Kind == TokenKind.RightBracket)
        {
            Advance();
            return items;
        }

        while (true)
        {
            items.Add(ParseListItem());
            if (Current.Kind == TokenKind.RightBracket)
            {
                Advance();
                return items;
            }

            Expect(TokenKind.Comma, "',' or ']' in the list");
        }
    }

    private LiteralNode ParseListItem()
    {
        var token = Advance();
        switch (token.Kind)
        {
            case TokenKind.Number:
                return new LiteralNode(token.Position, token.Value!, ExpressionType.Number);
            case TokenKind.Minus when Current.Kind == TokenKind.Number:
                var number = Advance();
                return new LiteralNode(token.Position, -(double)number.Value!, ExpressionType.Number);
            case TokenKind.String:
                return new LiteralNode(token.Position, token.Value!, ExpressionType.String);
            case TokenKind.True or TokenKind.False:
                return new LiteralNode(token.Position, token.Kind == TokenKind.True, ExpressionType.Boolean);
            default:
                throw Error($"expected a literal list item, found {token.Describe()}", token, "; list items are numbers, strings, true or false");
        }
    }

    private void Expect(TokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw Error($"expected {what}, found {Current.Describe()}", Current);
        }

        Advance();
    }
}

using System.Globalization;
using System.Text;

namespace Warden.Core.Pipelines.Expressions;

/// <summary>Hand-written scanner: one pass, no regular expressions, every failure an <see cref="ExpressionException"/>.</summary>
internal sealed class Tokenizer
{
    private readonly string _text;
    private readonly List<int> _lineStarts = [0];
    private int _offset;

    private Tokenizer(string text)
    {
        _text = text;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public static List<Token> Tokenize(string text)
    {
        var tokenizer = new Tokenizer(text);
        var tokens = new List<Token>();
        Token token;
        do
        {
            token = tokenizer.Next();
            tokens.Add(token);
        }
        while (token.Kind != TokenKind.End);

        return tokens;
    }

    private SourcePosition PositionOf(int offset)
    {
        var index = _lineStarts.BinarySearch(offset);
        var line = index >= 0 ? index : ~index - 1;
        return new SourcePosition(offset, line + 1, offset - _lineStarts[line] + 1);
    }

    private char Peek(int ahead = 0) => _offset + ahead < _text.Length ? _text[_offset + ahead] : '\0';

    private ExpressionException Error(string what, int offset, string suffix = "") =>
        new(ExpressionError.Create(ExpressionErrorKind.Syntax, what, PositionOf(offset), suffix));

    private Token Make(TokenKind kind, int start, object? value = null) =>
        new(kind, _text[start.._offset], value, PositionOf(start));

    private Token Next()
    {
        while (_offset < _text.Length && char.IsWhiteSpace(_text[_offset]))
        {
            _offset++;
        }

        var start = _offset;
        if (_offset >= _text.Length)
        {
            return new Token(TokenKind.End, "", null, PositionOf(start));
        }

        var c = _text[_offset];
        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
        {
            return ReadNumber(start);
        }

        if (IsIdentifierStart(c))
        {
            return ReadIdentifier(start);
        }

        if (c is '"' or '\'')
        {
            return ReadString(start, c);
        }

        _offset++;
        switch (c)
        {
            case '+': return Make(TokenKind.Plus, start);
            case '-': return Make(TokenKind.Minus, start);
            case '*': return Make(TokenKind.Star, start);
            case '/': return Make(TokenKind.Slash, start);
            case '(': return Make(TokenKind.LeftParen, start);
            case ')': return Make(TokenKind.RightParen, start);
            case '[': return Make(TokenKind.LeftBracket, start);
            case ']': return Make(TokenKind.RightBracket, start);
            case ',': return Make(TokenKind.Comma, start);
            case '<': return Follows('=') ? Make(TokenKind.LessEqual, start) : Make(TokenKind.Less, start);
            case '>': return Follows('=') ? Make(TokenKind.GreaterEqual, start) : Make(TokenKind.Greater, start);
            case '!': return Follows('=') ? Make(TokenKind.NotEqual, start) : Make(TokenKind.Not, start);
            case '=':
                return Follows('=') ? Make(TokenKind.Equal, start) : throw Error("unexpected '='", start, "; use '==' to compare");
            case '&':
                return Follows('&') ? Make(TokenKind.And, start) : throw Error("unexpected '&'", start, "; use '&&' or 'and'");
            case '|':
                return Follows('|') ? Make(TokenKind.Or, start) : throw Error("unexpected '|'", start, "; use '||' or 'or'");
            default:
                throw Error($"unexpected character {Quote(c)}", start);
        }
    }

    private bool Follows(char expected)
    {
        if (Peek() != expected)
        {
            return false;
        }

        _offset++;
        return true;
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static string Quote(char c) =>
        char.IsControl(c) || char.IsSurrogate(c) ? $"U+{(int)c:X4}" : $"'{c}'";

    private Token ReadNumber(int start)
    {
        while (char.IsAsciiDigit(Peek()))
        {
            _offset++;
        }

        if (Peek() == '.')
        {
            _offset++;
            while (char.IsAsciiDigit(Peek()))
            {
                _offset++;
            }
        }

        if (Peek() is 'e' or 'E')
        {
            _offset++;
            if (Peek() is '+' or '-')
            {
                _offset++;
            }

            if (!char.IsAsciiDigit(Peek()))
            {
                throw Error($"malformed number '{_text[start.._offset]}'", start, "; an exponent needs digits");
            }

            while (char.IsAsciiDigit(Peek()))
            {
                _offset++;
            }
        }

        if (IsIdentifierPart(Peek()) || Peek() == '.')
        {
            while (IsIdentifierPart(Peek()) || Peek() == '.')
            {
                _offset++;
            }

            throw Error($"malformed number '{_text[start.._offset]}'", start);
        }

        var text = _text[start.._offset];
        var value = double.Parse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
        {
            throw Error($"number '{text}' is out of range", start);
        }

        return Make(TokenKind.Number, start, value);
    }

    private Token ReadIdentifier(int start)
    {
        while (true)
        {
            while (IsIdentifierPart(Peek()))
            {
                _offset++;
            }

            if (Peek() != '.')
            {
                break;
            }

            if (!IsIdentifierStart(Peek(1)))
            {
                throw Error($"malformed identifier '{_text[start..(_offset + 1)]}'", start, "; a '.' must be followed by a name");
            }

            _offset++;
        }

        var kind = _text[start.._offset] switch
        {
            "and" => TokenKind.And,
            "or" => TokenKind.Or,
            "not" => TokenKind.Not,
            "in" => TokenKind.In,
            "true" => TokenKind.True,
            "false" => TokenKind.False,
            _ => TokenKind.Identifier,
        };
        return Make(kind, start);
    }

    private Token ReadString(int start, char quote)
    {
        _offset++;
        var value = new StringBuilder();
        while (true)
        {
            if (_offset >= _text.Length)
            {
                throw Error("unterminated string", start);
            }

            var c = _text[_offset++];
            if (c == quote)
            {
                return Make(TokenKind.String, start, value.ToString());
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            if (_offset >= _text.Length)
            {
                throw Error("unterminated string", start);
            }

            var escaped = _text[_offset++];
            value.Append(escaped switch
            {
                '\\' => '\\',
                '\'' => '\'',
                '"' => '"',
                'n' => '\n',
                't' => '\t',
                _ => throw Error($"unknown escape '\\{escaped}'", _offset - 2, "; use \\\\, \\', \\\", \\n or \\t"),
            });
        }
    }
}

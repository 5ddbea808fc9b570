namespace Warden.Core.Pipelines.Expressions;

/// <summary>A lexeme: its kind, its text as written, its literal value (numbers, strings) and where it starts.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, object? Value, SourcePosition Position)
{
    public string Describe() => Kind switch
    {
        TokenKind.End => "end of expression",
        TokenKind.String => $"string {Text}",
        TokenKind.Number => $"number {Text}",
        TokenKind.Identifier => $"identifier '{Text}'",
        _ => $"'{Text}'",
    };
}

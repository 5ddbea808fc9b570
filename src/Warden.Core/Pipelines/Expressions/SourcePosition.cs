namespace Warden.Core.Pipelines.Expressions;

/// <summary>A place in the expression text.</summary>
/// <param name="Offset">0-based character offset.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public readonly record struct SourcePosition(int Offset, int Line, int Column)
{
    /// <summary>Formats as <c>line:column</c>.</summary>
    public override string ToString() => $"{Line}:{Column}";

    /// <summary>Computes line and column of <paramref name="offset"/> in <paramref name="text"/>.</summary>
    public static SourcePosition At(string text, int offset)
    {
        var line = 1;
        var lineStart = 0;
        var end = Math.Min(offset, text.Length);
        for (var i = 0; i < end; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new SourcePosition(offset, line, offset - lineStart + 1);
    }
}

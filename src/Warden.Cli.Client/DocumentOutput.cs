namespace Warden.Cli;

/// <summary>Where a command that renders a document (a report, a model card) puts it: a file, standard output, or a table.</summary>
internal static class DocumentOutput
{
    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="output"/> (and says so on standard error) or, without a file, to
    /// standard output as it is; with no text, draws the <paramref name="table"/> instead.
    /// </summary>
    public static void Emit(string? text, FileInfo? output, Action table)
    {
        if (text is null)
        {
            table();
        }
        else if (output is not null)
        {
            File.WriteAllText(output.FullName, text);
            Console.Error.WriteLine($"wrote {output.FullName}");
        }
        else
        {
            Console.Out.Write(text);
        }
    }
}

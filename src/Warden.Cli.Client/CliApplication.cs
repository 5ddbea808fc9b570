using System.CommandLine;
using Warden.Client;

namespace Warden.Cli;

/// <summary>The <c>warden</c> root command and how a command line runs: the same in the full CLI and the native client.</summary>
internal static class CliApplication
{
    /// <summary>The root command with the global options and <paramref name="commands"/>.</summary>
    public static RootCommand Root(IEnumerable<Command> commands)
    {
        var root = new RootCommand("Warden: deploy machine-learning models responsibly");
        root.Options.Add(CommonOptions.Url);
        root.Options.Add(CommonOptions.Key);
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; a user error is one line on standard error and an exit code.</summary>
    public static async Task<int> RunAsync(RootCommand root, string[] args, CliContext context)
    {
        // `--input @file` is Warden's own syntax for reading a document from a file; System.CommandLine would otherwise
        // expand any `@token` as a response file before the option sees it ("Unrecognized command or argument").
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (ex is CliException or WardenApiException or HttpRequestException or IOException or TaskCanceledException or ArgumentException or FormatException or InvalidDataException)
        {
            await context.Error.WriteLineAsync("error: " + OneLine(ex));
            return ex is WardenApiException api ? ExitCodeFor(api) : 1;
        }
    }

    private static int ExitCodeFor(WardenApiException ex) => (int)ex.StatusCode switch
    {
        401 or 403 => 3,
        404 => 4,
        _ => 2,
    };

    private static string OneLine(Exception ex) => ex switch
    {
        HttpRequestException http => $"cannot reach the server: {http.Message}",
        TaskCanceledException => "the server did not answer in time",
        _ => ex.Message.ReplaceLineEndings(" "),
    };
}

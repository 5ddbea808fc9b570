using System.CommandLine;
using Warden.Cli.Commands;
using Warden.Client;

namespace Warden.Cli;

/// <summary>The <c>warden</c> command line.</summary>
internal static class WardenCli
{
    public static async Task<int> RunAsync(string[] args, CliContext? context = null)
    {
        context ??= new CliContext();
        var root = new RootCommand("Warden: deploy machine-learning models responsibly");
        root.Options.Add(CommonOptions.Url);
        root.Options.Add(CommonOptions.Key);
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create(context));
        root.Subcommands.Add(KeysCommand.Create(context));
        root.Subcommands.Add(PredictCommand.Create(context));
        root.Subcommands.Add(AuditCommand.Create(context));
        foreach (var extra in ExtraCommands(context))
        {
            root.Subcommands.Add(extra);
        }

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

    // Commands contributed by the capability libraries (training, fairness, drift …).
    private static IEnumerable<Command> ExtraCommands(CliContext context) =>
    [
        TrainCommand.Create(),
        TransferCommand.Create(),
        AdaptCommand.Create(),
        DriftCommand.Create(context),
        FairnessCommand.Create(context),
        DataCommand.Create(),
        KeygenCommand.Create(context),
        PackCommand.Create(context),
        BundleCommand.Create(context),
        EdgeCommand.Create(context),
        MitigateCommand.Create(),
        ExplainCommand.Create(context),
        ReviewCommand.Create(context),
        PipelinesCommand.Create(context),
        UsageCommand.Create(context),
        PrivacyCommand.Create(context),
        RetrainCommand.Create(context),
        DbCommand.Create(context),
    ];

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

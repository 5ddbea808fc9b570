using System.CommandLine;
using Warden.Cli.Commands;
using Warden.Client;

namespace Warden.Cli;

/// <summary>The <c>warden</c> command line.</summary>
internal static class WardenCli
{
    // Every top-level command by name. Building one touches the types (and so loads the assemblies) of its feature —
    // ASP.NET Core for serve, ML.NET for train — so a run builds only the command it was asked for.
    private static readonly (string Name, Func<CliContext, Command> Create)[] Commands =
    [
        ("serve", _ => ServeCommand.Create()),
        ("models", ModelsCommand.Create),
        ("keys", KeysCommand.Create),
        ("predict", PredictCommand.Create),
        ("audit", AuditCommand.Create),
        ("train", _ => TrainCommand.Create()),
        ("transfer", _ => TransferCommand.Create()),
        ("adapt", _ => AdaptCommand.Create()),
        ("drift", DriftCommand.Create),
        ("fairness", FairnessCommand.Create),
        ("data", _ => DataCommand.Create()),
        ("keygen", KeygenCommand.Create),
        ("pack", PackCommand.Create),
        ("bundle", BundleCommand.Create),
        ("edge", EdgeCommand.Create),
        ("mitigate", _ => MitigateCommand.Create()),
        ("explain", ExplainCommand.Create),
        ("review", ReviewCommand.Create),
        ("pipelines", PipelinesCommand.Create),
        ("usage", UsageCommand.Create),
        ("privacy", PrivacyCommand.Create),
        ("retrain", RetrainCommand.Create),
        ("db", DbCommand.Create),
    ];

    public static async Task<int> RunAsync(string[] args, CliContext? context = null)
    {
        context ??= new CliContext();
        var root = Build(args, context);

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

    /// <summary>
    /// The root command for <paramref name="args"/>: with only the command the arguments name (the first argument that is
    /// a command name), or with every command when they name none (<c>warden --help</c>, a typo), so help and
    /// "did you mean" still see them all.
    /// </summary>
    internal static RootCommand Build(string[] args, CliContext context)
    {
        var root = new RootCommand("Warden: deploy machine-learning models responsibly");
        root.Options.Add(CommonOptions.Url);
        root.Options.Add(CommonOptions.Key);
        var named = args.Select(a => Array.FindIndex(Commands, c => c.Name == a)).FirstOrDefault(i => i >= 0, -1);
        var chosen = named >= 0 ? new[] { Commands[named] } : Commands;
        foreach (var (_, create) in chosen)
        {
            root.Subcommands.Add(create(context));
        }

        return root;
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

using System.CommandLine;
using Warden.Cli.Commands;

namespace Warden.Cli;

/// <summary>
/// The top-level commands that only talk HTTP to a server, by name. The full CLI builds them with its own commands; the
/// native client (<c>src/Warden.Cli.Native</c>) runs them itself and hands every other command line to the full CLI.
/// </summary>
internal static class ClientCommands
{
    public static readonly (string Name, Func<CliContext, Command> Create)[] All =
    [
        ("models", ModelsCommand.Create),
        ("keys", KeysCommand.Create),
        ("predict", PredictCommand.Create),
        ("audit", AuditCommand.Create),
        ("explain", ExplainCommand.Create),
        ("review", ReviewCommand.Create),
        ("pipelines", PipelinesCommand.Create),
        ("usage", UsageCommand.Create),
        ("privacy", PrivacyCommand.Create),
        ("retrain", RetrainCommand.Create),
    ];

    /// <summary>
    /// The index in <see cref="All"/> of the command <paramref name="args"/> run: their first argument that is not an
    /// option (nor the value of <c>--url</c> or <c>--key</c>) when it names a client command; otherwise -1 (another
    /// command, a typo, or none, as in <c>warden --help</c>).
    /// </summary>
    public static int Named(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "--url" or "--key")
            {
                i++;
            }
            else if (!args[i].StartsWith('-'))
            {
                return Array.FindIndex(All, c => c.Name == args[i]);
            }
        }

        return -1;
    }

    /// <summary>Runs <paramref name="args"/>, which name the client command at <paramref name="index"/>.</summary>
    public static Task<int> RunAsync(string[] args, int index, CliContext? context = null)
    {
        context ??= new CliContext();
        return CliApplication.RunAsync(CliApplication.Root([All[index].Create(context)]), args, context);
    }
}

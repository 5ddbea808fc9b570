using System.CommandLine;
using Warden.Cli.Commands;

namespace Warden.Cli;

/// <summary>The full <c>warden</c> command line: the client commands (<see cref="ClientCommands"/>) and the local ones.</summary>
internal static class WardenCli
{
    // Every top-level command by name. Building one touches the types (and so loads the assemblies) of its feature —
    // ASP.NET Core for serve, ML.NET for train — so a run builds only the command it was asked for.
    private static readonly (string Name, Func<CliContext, Command> Create)[] Commands =
    [
        ("serve", _ => ServeCommand.Create()),
        .. ClientCommands.All,
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
        ("db", DbCommand.Create),
    ];

    public static Task<int> RunAsync(string[] args, CliContext? context = null)
    {
        context ??= new CliContext();
        return CliApplication.RunAsync(Build(args, context), args, context);
    }

    /// <summary>
    /// The root command for <paramref name="args"/>: with only the command the arguments name (the first argument that is
    /// a command name), or with every command when they name none (<c>warden --help</c>, a typo), so help and
    /// "did you mean" still see them all.
    /// </summary>
    internal static RootCommand Build(string[] args, CliContext context)
    {
        var named = args.Select(a => Array.FindIndex(Commands, c => c.Name == a)).FirstOrDefault(i => i >= 0, -1);
        var chosen = named >= 0 ? new[] { Commands[named] } : Commands;
        return CliApplication.Root(chosen.Select(c => c.Create(context)));
    }
}

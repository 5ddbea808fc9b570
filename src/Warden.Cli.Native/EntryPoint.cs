namespace Warden.Cli.Native;

/// <summary>Entry point of the native <c>warden</c>: client commands here, everything else in the full CLI.</summary>
internal static class EntryPoint
{
    public static Task<int> Main(string[] args)
    {
        var index = ClientCommands.Named(args);
        if (index < 0)
        {
            return Task.FromResult(FullCli.Exec(args));
        }

        // Sizes the shared console before any command writes a table, as the full CLI does.
        _ = StandardOutput.Console;
        return ClientCommands.RunAsync(args, index);
    }
}

namespace Warden.Cli;

/// <summary>Entry point of the <c>warden</c> executable.</summary>
internal static class EntryPoint
{
    public static Task<int> Main(string[] args)
    {
        // Sizes the shared console before any command writes a table, including those that use AnsiConsole's statics.
        _ = StandardOutput.Console;
        return WardenCli.RunAsync(args);
    }
}

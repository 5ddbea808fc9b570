namespace Warden.Cli;

/// <summary>Entry point of the <c>warden</c> executable.</summary>
internal static class EntryPoint
{
    public static Task<int> Main(string[] args) => WardenCli.RunAsync(args);
}

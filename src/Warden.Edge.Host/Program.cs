namespace Warden.Edge.Host;

/// <summary>Entry point of the native <c>warden-edge</c> executable.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        // Microsoft.Data.Sqlite finds its SQLite provider by reflection, which Native AOT does not keep; name it directly.
        SQLitePCL.Batteries_V2.Init();
        return EdgeHostCommand.RunAsync(args, Console.Out, Console.Error);
    }
}

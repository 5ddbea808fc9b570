namespace Warden.Edge.Host;

/// <summary>Entry point of the native <c>warden-edge</c> executable.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => EdgeHostCommand.RunAsync(args, Console.Out, Console.Error);
}

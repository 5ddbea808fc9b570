namespace Warden.WebConsole.Hosting;

/// <summary>Marks endpoints that belong to the console (pages and its small JSON feeds), for security headers and tests.</summary>
public sealed class ConsolePageMetadata
{
    /// <summary>The single instance.</summary>
    public static readonly ConsolePageMetadata Instance = new();

    private ConsolePageMetadata()
    {
    }
}

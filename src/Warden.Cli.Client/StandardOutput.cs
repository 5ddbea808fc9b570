using Spectre.Console;

namespace Warden.Cli;

/// <summary>The console the <c>warden</c> executable writes to, sized for who reads it.</summary>
internal static class StandardOutput
{
    /// <summary>
    /// Width used when standard output is not a terminal. Spectre assumes 80 columns there, so a piped or redirected table
    /// wraps mid-row and a script reading it line by line sees half rows; a file or pipe has no width, so rows stay whole.
    /// </summary>
    public const int UnboundedWidth = 1 << 12;

    private static readonly Lazy<IAnsiConsole> Shared = new(() => Fit(AnsiConsole.Console, System.Console.IsOutputRedirected));

    /// <summary>The process-wide console (also what <see cref="AnsiConsole"/>'s static methods write to).</summary>
    public static IAnsiConsole Console => Shared.Value;

    /// <summary>Uses the terminal's real width for a terminal and an unbounded one for a file or pipe.</summary>
    public static IAnsiConsole Fit(IAnsiConsole console, bool redirected)
    {
        if (redirected)
        {
            console.Profile.Width = UnboundedWidth;
        }

        return console;
    }
}

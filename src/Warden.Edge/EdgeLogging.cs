using Microsoft.Extensions.Logging;

namespace Warden.Edge;

/// <summary>
/// The agent's console logging: one JSON object per line (<c>json</c>, for log collectors) or one readable line
/// (<c>text</c>), both with the structured fields of each message (bundle id, failure, reason); see
/// <see cref="EdgeConsoleLoggerProvider"/>.
/// </summary>
public static class EdgeLogging
{
    /// <summary>Creates the logger factory writing to standard output; <paramref name="format"/> is <c>json</c> or <c>text</c>.</summary>
    public static ILoggerFactory Create(string format, LogLevel level = LogLevel.Information) => Create(format, Console.Out, level);

    /// <summary>Creates the logger factory writing to <paramref name="output"/>; <paramref name="format"/> is <c>json</c> or <c>text</c>.</summary>
    public static ILoggerFactory Create(string format, TextWriter output, LogLevel level = LogLevel.Information)
    {
        var json = format switch
        {
            "json" => true,
            "text" => false,
            _ => throw new ArgumentException($"log format '{format}' is not json or text", nameof(format)),
        };

        // Built directly, without a service container: the container's set-up is what made the console logger slow to start.
        return new LoggerFactory([new EdgeConsoleLoggerProvider(output, json)], new LoggerFilterOptions { MinLevel = level });
    }
}

using Microsoft.Extensions.Logging;

namespace Warden.Edge;

/// <summary>
/// The agent's console logging: one JSON object per line (<c>json</c>, for log collectors) or one readable line
/// (<c>text</c>), both with the structured fields of each message (bundle id, failure, reason).
/// </summary>
public static class EdgeLogging
{
    /// <summary>Creates the logger factory; <paramref name="format"/> is <c>json</c> or <c>text</c>.</summary>
    public static ILoggerFactory Create(string format, LogLevel level = LogLevel.Information) => format switch
    {
        "json" => LoggerFactory.Create(b => b.SetMinimumLevel(level).AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ")),
        "text" => LoggerFactory.Create(b => b.SetMinimumLevel(level).AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ssZ ";
            o.UseUtcTimestamp = true;
        })),
        _ => throw new ArgumentException($"log format '{format}' is not json or text", nameof(format)),
    };
}

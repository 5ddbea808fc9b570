using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Warden.Edge;

/// <summary>
/// The agent's console log lines, written directly: <c>text</c> as the simple console formatter's single line
/// (<c>2026-12-07T02:00:47Z info: Warden.Edge[5] message</c>), <c>json</c> as the JSON console formatter's object
/// (<c>Timestamp</c>, <c>EventId</c>, <c>LogLevel</c>, <c>Category</c>, <c>Message</c>, <c>Exception</c>, <c>State</c>
/// with the structured fields). It replaces <c>AddSimpleConsole</c>/<c>AddJsonConsole</c>, whose dependency-injection
/// set-up cost the native agent a fifth of its start-up; the agent logs a few lines per bundle and refusal, so lines are
/// written at once, under a lock, rather than through a queue.
/// </summary>
public sealed class EdgeConsoleLoggerProvider(TextWriter output, bool json, TimeProvider? time = null) : ILoggerProvider
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() => output.Flush();

    private void Write(string category, LogLevel level, EventId eventId, string message, Exception? exception, IReadOnlyList<KeyValuePair<string, object?>>? state)
    {
        var now = _time.GetUtcNow();
        string line;
        if (json)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("Timestamp", now.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
                writer.WriteNumber("EventId", eventId.Id);
                writer.WriteString("LogLevel", level.ToString());
                writer.WriteString("Category", category);
                writer.WriteString("Message", message);
                if (exception is not null)
                {
                    writer.WriteString("Exception", exception.ToString());
                }

                if (state is not null)
                {
                    writer.WriteStartObject("State");
                    writer.WriteString("Message", message);
                    foreach (var (key, value) in state)
                    {
                        writer.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            line = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        else
        {
            var text = new StringBuilder()
                .Append(now.ToString("yyyy-MM-ddTHH:mm:ssZ ", System.Globalization.CultureInfo.InvariantCulture))
                .Append(Level(level)).Append(": ").Append(category).Append('[').Append(eventId.Id).Append("] ").Append(message);
            if (exception is not null)
            {
                text.Append(' ').Append(exception.ToString().ReplaceLineEndings(" "));
            }

            line = text.ToString();
        }

        lock (_lock)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => level.ToString(),
    };

    private sealed class Logger(EdgeConsoleLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            ArgumentNullException.ThrowIfNull(formatter);
            provider.Write(category, logLevel, eventId, formatter(state, exception), exception, state as IReadOnlyList<KeyValuePair<string, object?>>);
        }
    }
}

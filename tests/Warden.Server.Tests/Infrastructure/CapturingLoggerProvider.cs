using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Warden.Server.Tests.Infrastructure;

/// <summary>
/// Keeps every log line (category, level, message, structured values, exception) for tests to read. Scopes are kept as
/// lines too, since they carry no level, only when <c>minimum</c> is Trace. A <c>capacity</c> keeps only the latest
/// lines, so a long campaign does not measure its own log capture as server memory.
/// </summary>
public sealed class CapturingLoggerProvider(LogLevel minimum = LogLevel.Trace, int capacity = int.MaxValue) : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this, minimum);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        Lines.Enqueue(line);
        while (Lines.Count > capacity && Lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(string category, CapturingLoggerProvider sink, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            if (minimum == LogLevel.Trace)
            {
                sink.Add(category + " scope " + state);
            }

            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            sink.Add($"{category} {logLevel} {formatter(state, exception)} {structured} {exception}");
        }
    }
}

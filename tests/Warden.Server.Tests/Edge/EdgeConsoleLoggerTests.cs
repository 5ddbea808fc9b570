using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Warden.Edge;

namespace Warden.Server.Tests.Edge;

/// <summary>The agent's console lines: readable text or one JSON object a line, both with the structured fields.</summary>
public sealed class EdgeConsoleLoggerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 2, 0, 47, 123, TimeSpan.Zero);

    private static string Log(bool json, LogLevel minimum = LogLevel.Information)
    {
        var output = new StringWriter();
        using (var factory = new LoggerFactory([new EdgeConsoleLoggerProvider(output, json, new FakeTimeProvider(Now))], new LoggerFilterOptions { MinLevel = minimum }))
        {
            var logger = factory.CreateLogger("Warden.Edge");
            logger.LogDebug("a debug line");
            logger.Log(LogLevel.Warning, new EventId(2), "Refused bundle {BundleId} ({Failure})", "b1", "WrongDevice");
        }

        return output.ToString();
    }

    [Fact]
    public void Text_lines_carry_time_level_category_event_and_message()
    {
        Assert.Equal("2026-12-07T02:00:47Z warn: Warden.Edge[2] Refused bundle b1 (WrongDevice)" + Environment.NewLine, Log(json: false));
    }

    [Fact]
    public void Json_lines_carry_the_structured_fields()
    {
        var line = JsonDocument.Parse(Log(json: true)).RootElement;
        Assert.Equal("2026-12-07T02:00:47.123Z", line.GetProperty("Timestamp").GetString());
        Assert.Equal(2, line.GetProperty("EventId").GetInt32());
        Assert.Equal("Warning", line.GetProperty("LogLevel").GetString());
        Assert.Equal("Warden.Edge", line.GetProperty("Category").GetString());
        Assert.Equal("Refused bundle b1 (WrongDevice)", line.GetProperty("Message").GetString());
        Assert.Equal("b1", line.GetProperty("State").GetProperty("BundleId").GetString());
        Assert.Equal("WrongDevice", line.GetProperty("State").GetProperty("Failure").GetString());
    }

    [Fact]
    public void Debug_lines_are_written_when_the_level_allows_them()
    {
        Assert.Contains("dbug: Warden.Edge[0] a debug line", Log(json: false, LogLevel.Debug), StringComparison.Ordinal);
    }
}

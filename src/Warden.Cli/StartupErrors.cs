using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Warden.Cli;

/// <summary>
/// Turns the exceptions a host throws for bad configuration into one <see cref="CliException"/> line that names the
/// setting and what it accepts, so <c>warden serve</c> exits 1 with a message instead of a stack trace.
/// </summary>
internal static partial class StartupErrors
{
    public static T Translate<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (Describe(ex) is { } message)
        {
            throw new CliException(message);
        }
    }

    public static void Translate(Action action) => Translate(() =>
    {
        action();
        return true;
    });

    public static async Task TranslateAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (Describe(ex) is { } message)
        {
            throw new CliException(message);
        }
    }

    /// <summary>The one-line explanation of a start-up failure, or null for failures that are not about configuration.</summary>
    internal static string? Describe(Exception ex) => ex switch
    {
        AggregateException { InnerExceptions.Count: > 0 } aggregate => string.Join("; ", aggregate.InnerExceptions.Select(e => Describe(e) ?? OneLine(e.Message))),
        OptionsValidationException validation => "invalid configuration: " + string.Join("; ", validation.Failures.Select(OneLine)),
        InvalidOperationException conversion when ConversionPattern().Match(conversion.Message) is { Success: true } match =>
            $"invalid value for {match.Groups["key"].Value}: {Allowed(match.Groups["type"].Value)}",
        InvalidOperationException { InnerException: { } inner } when Describe(inner) is { } described => described,
        SqliteException sqlite => "cannot open the database: " + OneLine(sqlite.Message),
        System.Data.Common.DbException { IsTransient: true } unreachable => "cannot reach the database: " + OneLine(unreachable.Message),
        IOException or UnauthorizedAccessException => OneLine(ex.Message),
        _ => null,
    };

    private static string Allowed(string typeName)
    {
        var type = Type.GetType(typeName) ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null);
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            { IsEnum: true } => "allowed values are " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant())),
            _ when type == typeof(bool) => "allowed values are true, false",
            _ when type == typeof(int) || type == typeof(long) => "expected a whole number",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "expected a number",
            _ when type == typeof(TimeSpan) => "expected a duration such as 00:00:30",
            _ => $"expected a {type?.Name ?? typeName}",
        };
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    [GeneratedRegex("at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionPattern();
}

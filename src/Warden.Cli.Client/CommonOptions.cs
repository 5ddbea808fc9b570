using System.CommandLine;

namespace Warden.Cli;

/// <summary>Options shared by the commands that talk to a server.</summary>
internal static class CommonOptions
{
    public static readonly Option<string> Url = new("--url")
    {
        Description = "Server URL (default: $WARDEN_URL or http://127.0.0.1:8080)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("WARDEN_URL") ?? "http://127.0.0.1:8080",
    };

    // No default value factory: help prints defaults, and this one is a secret.
    public static readonly Option<string?> Key = new("--key")
    {
        Description = "API key (default: $WARDEN_API_KEY)",
        Recursive = true,
    };

    /// <summary>A new <c>--json</c> flag: list and show commands print the server's answer as JSON instead of a table.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print JSON (camelCase, as the HTTP API answers) instead of a table" };

    /// <summary>The API key from <c>--key</c>, else from <c>WARDEN_API_KEY</c>.</summary>
    public static string? KeyOf(ParseResult parse) => parse.GetValue(Key) ?? Environment.GetEnvironmentVariable("WARDEN_API_KEY");

    public static Warden.Client.WardenClient Client(this CliContext context, ParseResult parse) =>
        context.CreateClient(parse.GetValue(Url)!, KeyOf(parse));
}

using Spectre.Console;
using Warden.Client;

namespace Warden.Cli;

/// <summary>What commands need from their surroundings: where output goes and how to reach a server. Tests swap both.</summary>
internal sealed class CliContext
{
    public IAnsiConsole Console { get; init; } = AnsiConsole.Console;

    public TextWriter Error { get; init; } = System.Console.Error;

    /// <summary>Creates the HTTP client for a server URL; tests route it to an in-process server.</summary>
    public Func<Uri, HttpClient> HttpClientFactory { get; init; } = url => new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(100) };

    public WardenClient CreateClient(string url, string? key)
    {
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri))
        {
            throw new CliException($"'{url}' is not a valid server URL");
        }

        if (string.IsNullOrWhiteSpace(key))
        {
            throw new CliException("no API key: pass --key or set WARDEN_API_KEY");
        }

        return new WardenClient(HttpClientFactory(uri), key);
    }
}

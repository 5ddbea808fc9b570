using System.Text.Json;
using Spectre.Console;
using Warden.Client;

namespace Warden.Cli;

/// <summary>What commands need from their surroundings: where output goes and how to reach a server. Tests swap both.</summary>
internal sealed class CliContext
{
    /// <summary>
    /// The shape of every <c>--json</c> answer: camelCase names, indented, as the HTTP API writes them. Only the client's
    /// source-generated metadata: no reflection on start-up, and the native client (Native AOT) has none.
    /// </summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        TypeInfoResolver = WardenJsonContext.Default,
    };

    public IAnsiConsole Console { get; init; } = StandardOutput.Console;

    public TextWriter Error { get; init; } = System.Console.Error;

    /// <summary>Where <c>--input @-</c> reads from.</summary>
    public TextReader Input { get; init; } = System.Console.In;

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

    /// <summary>
    /// Writes <paramref name="value"/> as JSON straight to the console's writer: through Spectre a long line would be
    /// wrapped at the console width, which breaks the document for a script reading it.
    /// </summary>
    public void WriteJson(object value) => WriteRaw(ToJson(value));

    /// <summary><paramref name="value"/> as <c>--json</c> prints it, serialised as its runtime type (a client contract).</summary>
    public static string ToJson(object value) => JsonSerializer.Serialize(value, JsonOptions.GetTypeInfo(value.GetType()));

    /// <summary>Writes one line of text unwrapped and unformatted.</summary>
    public void WriteRaw(string text)
    {
        var writer = Console.Profile.Out.Writer;
        writer.WriteLine(text);
        writer.Flush();
    }
}

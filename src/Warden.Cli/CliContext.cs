using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Spectre.Console;
using Warden.Client;

namespace Warden.Cli;

/// <summary>What commands need from their surroundings: where output goes and how to reach a server. Tests swap both.</summary>
internal sealed class CliContext
{
    /// <summary>
    /// The shape of every <c>--json</c> answer: camelCase names, indented, as the HTTP API writes them. The client's
    /// contracts use the source-generated metadata (no reflection on start-up); anything else falls back to reflection.
    /// </summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(WardenJsonContext.Default, new DefaultJsonTypeInfoResolver()),
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
    public void WriteJson<T>(T value) => WriteRaw(value is JsonElement element ? JsonSerializer.Serialize(element, JsonOptions) : JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>Writes one line of text unwrapped and unformatted.</summary>
    public void WriteRaw(string text)
    {
        var writer = Console.Profile.Out.Writer;
        writer.WriteLine(text);
        writer.Flush();
    }
}

using System.CommandLine;

namespace Warden.Edge.Host;

/// <summary>
/// The <c>warden-edge</c> command line: the options of <c>warden edge</c> (<see cref="EdgeCommandLine"/>) plus
/// <c>--key</c> for the server API key (default: <c>WARDEN_API_KEY</c>).
/// </summary>
internal static class EdgeHostCommand
{
    /// <summary>Parses <paramref name="args"/> and runs the agent until SIGINT or SIGTERM; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var (root, edge, key) = Build();
        root.SetAction((parse, ct) => edge.RunAsync(parse, parse.GetValue(key) ?? Environment.GetEnvironmentVariable("WARDEN_API_KEY"), output.WriteLine, ct));
        try
        {
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is EdgeOptionsException or IOException or ArgumentException or InvalidDataException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Starts the agent <paramref name="args"/> describe, as the executable would, and returns it (tests compose it this way).</summary>
    /// <exception cref="EdgeOptionsException">The arguments are invalid or the agent cannot start with them.</exception>
    internal static Task<EdgeAgent> StartAsync(string[] args, Microsoft.Extensions.Logging.ILogger logger, CancellationToken cancellationToken = default)
    {
        var (root, edge, key) = Build();
        var parse = root.Parse(args);
        return edge.StartAsync(parse, parse.GetValue(key) ?? Environment.GetEnvironmentVariable("WARDEN_API_KEY"), logger, cancellationToken);
    }

    /// <summary>The root command with the agent's options and <c>--key</c>.</summary>
    internal static (RootCommand Root, EdgeCommandLine Edge, Option<string?> Key) Build()
    {
        var root = new RootCommand("warden-edge: the Warden edge agent. Pulls signed bundles, serves them locally on the Open Inference Protocol, falls back to the server");
        var edge = new EdgeCommandLine();
        edge.AddTo(root);

        // No default value factory: help prints defaults, and this one is a secret.
        var key = new Option<string?>("--key") { Description = "API key for the server (default: $WARDEN_API_KEY)" };
        root.Options.Add(key);
        return (root, edge, key);
    }
}

using Spectre.Console;
using Warden.Cli;

namespace Warden.Server.Tests.Infrastructure;

/// <summary>Runs <c>warden</c> commands in process against a <see cref="WardenFactory"/> server, capturing what they print.</summary>
internal static class CliRunner
{
    /// <summary>Runs <paramref name="args"/> with <c>--url</c> pointing at the factory and <c>--key</c> (empty when <paramref name="key"/> is null).</summary>
    public static Task<(int Code, string Output, string Error)> RunCliAsync(this WardenFactory factory, string? key, params string[] args) =>
        factory.RunCliWithInputAsync(key, "", args);

    /// <summary>As <see cref="RunCliAsync"/>, with <paramref name="input"/> as the command's standard input.</summary>
    public static Task<(int Code, string Output, string Error)> RunCliWithInputAsync(this WardenFactory factory, string? key, string input, params string[] args) =>
        factory.RunAsync(key, input, WardenCli.RunAsync, args);

    /// <summary>
    /// As <see cref="RunCliAsync"/>, the way the native <c>warden</c> runs a client command (<see cref="ClientCommands"/>
    /// alone, without the full CLI's other commands).
    /// </summary>
    public static Task<(int Code, string Output, string Error)> RunClientCommandAsync(this WardenFactory factory, string? key, params string[] args) =>
        factory.RunAsync(key, "", (all, context) => ClientCommands.RunAsync(all, ClientCommands.Named(all), context), args);

    private static async Task<(int Code, string Output, string Error)> RunAsync(
        this WardenFactory factory, string? key, string input, Func<string[], CliContext, Task<int>> run, string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 250;
        var handler = factory.Server.CreateHandler();
        var context = new CliContext
        {
            Console = console,
            Error = error,
            Input = new StringReader(input),
            HttpClientFactory = url => new HttpClient(handler, disposeHandler: false) { BaseAddress = url },
        };
        var code = await run([.. args, "--url", "http://localhost", "--key", key ?? ""], context);
        return (code, output.ToString(), error.ToString());
    }
}

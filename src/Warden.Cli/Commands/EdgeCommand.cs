using System.CommandLine;
using Spectre.Console;
using Warden.Edge;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden edge --server URL --device-key device.pem --trust signer.pub.pem --data-dir dir [--channel stable]
/// [--listen http://127.0.0.1:8090] [--local-keys keys.json] [--log-format text|json]</c>: runs the offline-first edge agent
/// until Ctrl+C. A convenience: the native <c>warden-edge</c> executable (src/Warden.Edge.Host) takes the same options.
/// </summary>
internal static class EdgeCommand
{
    public static Command Create(CliContext context)
    {
        var edge = new EdgeCommandLine();
        var command = new Command("edge", "Run the edge agent: pull signed bundles, serve them locally, fall back to the server");
        edge.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await edge.RunAsync(parse, CommonOptions.KeyOf(parse), line => context.Console.WriteLine(line), ct);
            }
            catch (EdgeOptionsException ex)
            {
                throw new CliException(ex.Message);
            }
        });
        return command;
    }
}

using Microsoft.Extensions.Hosting;
using System.CommandLine;
using Warden.Server;

namespace Warden.Cli.Commands;

/// <summary><c>warden serve</c>: runs the server with the embedded store.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "Directory for the SQLite store and model files", DefaultValueFactory = _ => ".warden" };
        var urls = new Option<string>("--urls") { Description = "Listening URLs", DefaultValueFactory = _ => WardenApp.DefaultUrls };
        var repository = new Option<string?>("--model-repository") { Description = "Triton-style model repository to load at start (<model>/<version>/model.onnx + card.json)" };
        var noDemo = new Option<bool>("--no-demo") { Description = "Do not load the bundled demo models into an empty registry" };
        var command = new Command("serve", "Run the Warden server") { dataDir, urls, repository, noDemo };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var args = new List<string>
            {
                "--Warden:DataDir", parse.GetValue(dataDir)!,
                "--urls", parse.GetValue(urls)!,
                "--Warden:LoadDemoModels", (!parse.GetValue(noDemo)).ToString(),
            };
            if (parse.GetValue(repository) is { } repo)
            {
                if (!Directory.Exists(repo))
                {
                    throw new CliException($"model repository '{repo}' does not exist");
                }

                args.Add("--Warden:ModelRepository");
                args.Add(Path.GetFullPath(repo));
            }

            await using var app = WardenApp.Build([.. args]);
            await app.StartAsync(cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}

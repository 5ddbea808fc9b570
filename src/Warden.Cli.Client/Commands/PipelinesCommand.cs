using System.CommandLine;
using Spectre.Console;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden pipelines deploy FILE --name N</c>: deploys a pipeline document (YAML or JSON) as a version of its own name;
/// promote and roll it back with <c>warden models promote|rollback</c>, call it like a model.
/// </summary>
internal static class PipelinesCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("pipelines", "Deploy rule+model pipelines under their own names");
        var file = new Argument<FileInfo>("file") { Description = "Pipeline document, YAML or JSON" };
        var name = new Option<string>("--name") { Description = "Name to serve the pipeline under", Required = true };
        var version = new Option<string?>("--version") { Description = "Version label (next integer by default)" };
        var stage = new Option<string?>("--stage") { Description = "Initial stage: staging (default) or production" };
        var deploy = new Command("deploy", "Deploy a new immutable pipeline version") { file, name, version, stage };
        deploy.SetAction(async (parse, ct) =>
        {
            var document = parse.GetValue(file)!;
            if (!document.Exists)
            {
                throw new CliException($"file '{document.FullName}' does not exist");
            }

            var info = await context.Client(parse).DeployPipelineAsync(
                parse.GetValue(name)!, await File.ReadAllTextAsync(document.FullName, ct), parse.GetValue(version), parse.GetValue(stage), ct);
            context.Console.MarkupLine($"deployed pipeline [bold]{Markup.Escape(info.Model)}[/] version [bold]{info.Version}[/] ({Markup.Escape(info.Stage)}) sha256 {info.Sha256}");
            return 0;
        });
        command.Subcommands.Add(deploy);
        return command;
    }
}

using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Warden.Contracts.Admin;
using Warden.Contracts.Registry;

namespace Warden.Cli.Commands;

/// <summary><c>warden models list|show|deploy|promote|rollback|card</c>.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("models", "Inspect and manage the model registry");

        var listJson = CommonOptions.Json();
        var list = new Command("list", "List models and their versions") { listJson };
        list.SetAction(async (parse, ct) =>
        {
            var models = await context.Client(parse).ListModelsAsync(ct);
            if (parse.GetValue(listJson))
            {
                context.WriteJson(models);
                return 0;
            }

            var table = new Table().AddColumns("Model", "Version", "Stage", "SHA-256", "Deployed by", "Deployed at");
            foreach (var model in models)
            {
                foreach (var v in model.Versions)
                {
                    table.AddRow(Markup.Escape(model.Name), v.Version, StageMarkup(v.Stage), v.Sha256[..12], Markup.Escape(v.DeployedBy), v.DeployedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            context.Console.Write(table);
            return 0;
        });

        var modelArg = new Argument<string>("model") { Description = "Model name" };
        // Always JSON; --json is accepted so every list and show command takes it.
        var show = new Command("show", "Show a model's versions, signature and card (JSON)") { modelArg, CommonOptions.Json() };
        show.SetAction(async (parse, ct) =>
        {
            var model = await context.Client(parse).GetModelAsync(parse.GetValue(modelArg)!, ct);
            context.WriteJson(model);
            return 0;
        });

        var deployModel = new Argument<string>("model") { Description = "Model name" };
        var file = new Option<FileInfo?>("--file") { Description = "ONNX file (or --dir)" };
        var dir = new Option<DirectoryInfo?>("--dir")
        {
            Description = "A directory written by warden train or warden mitigate, deployed as it is: model.onnx with card.json and "
                + "background.csv; then reference.csv becomes the version's drift reference and group-thresholds.json is bound to the version",
        };
        var card = new Option<FileInfo?>("--card") { Description = "Model card JSON" };
        var version = new Option<string?>("--version") { Description = "Version label (next integer by default)" };
        var stage = new Option<string?>("--stage") { Description = "Initial stage: staging (default) or production" };
        var background = new Option<FileInfo?>("--background")
        {
            Description = "Background sample CSV (header = the model's input names) for explanations, out-of-distribution checks and the default drift reference",
        };
        var deploy = new Command("deploy", "Deploy a new immutable version") { deployModel, file, dir, card, version, stage, background };
        deploy.SetAction(async (parse, ct) =>
        {
            var onnx = parse.GetValue(file);
            var directory = parse.GetValue(dir) is { } d ? ModelDirectory.Read(d) : null;
            if ((onnx is null) == (directory is null))
            {
                throw new CliException("give either --file (an ONNX file) or --dir (a directory written by warden train or warden mitigate)");
            }

            onnx ??= directory!.Model;
            if (!onnx.Exists)
            {
                throw new CliException($"file '{onnx.FullName}' does not exist");
            }

            var cardFile = parse.GetValue(card) ?? directory?.Card;
            var modelCard = cardFile is null ? new ModelCard() : ReadCard(cardFile);
            var backgroundFile = parse.GetValue(background) ?? directory?.Background;
            if (backgroundFile is { Exists: false })
            {
                throw new CliException($"background file '{backgroundFile.FullName}' does not exist");
            }

            var thresholds = directory?.ReadGroupThresholds();
            var requestedStage = parse.GetValue(stage);

            // A version bound to thresholds goes to production only once they are bound: the group-thresholds promotion gate
            // refuses a production version without its own.
            var promoteAfterBinding = thresholds is not null && string.Equals(requestedStage, "production", StringComparison.OrdinalIgnoreCase);
            var backgroundText = backgroundFile is null ? null : await File.ReadAllTextAsync(backgroundFile.FullName, ct);
            var client = context.Client(parse);
            ModelVersionInfo info;
            await using (var stream = onnx.OpenRead())
            {
                info = await client.DeployAsync(parse.GetValue(deployModel)!, stream, modelCard, parse.GetValue(version), promoteAfterBinding ? "staging" : requestedStage, backgroundText, ct);
            }

            context.Console.MarkupLine($"deployed [bold]{Markup.Escape(info.Model)}[/] version [bold]{info.Version}[/] ({StageMarkup(info.Stage)}) sha256 {info.Sha256}");
            if (directory is null)
            {
                return 0;
            }

            if (await directory.SetReferenceAsync(client, info, modelCard, ct) is { } referenced)
            {
                context.Console.WriteLine(referenced);
            }

            if (thresholds is not null)
            {
                context.Console.WriteLine(await ModelDirectory.BindGroupThresholdsAsync(client, info, thresholds, ct));
            }

            if (promoteAfterBinding)
            {
                info = await client.PromoteAsync(info.Model, info.Version, "production", null, ct);
                context.Console.MarkupLine($"promoted [bold]{Markup.Escape(info.Model)}[/] version [bold]{info.Version}[/] to {StageMarkup(info.Stage)}");
            }

            return 0;
        });

        var promoteModel = new Argument<string>("model") { Description = "Model name" };
        var promoteVersion = new Argument<string>("version") { Description = "Version" };
        var toStage = new Option<string>("--stage") { Description = "Target stage", DefaultValueFactory = _ => "production" };
        var reason = new Option<string?>("--reason") { Description = "Reason recorded in the audit chain" };
        var promote = new Command("promote", "Move a version to a stage (production by default)") { promoteModel, promoteVersion, toStage, reason };
        promote.SetAction(async (parse, ct) =>
        {
            var info = await context.Client(parse).PromoteAsync(parse.GetValue(promoteModel)!, parse.GetValue(promoteVersion)!, parse.GetValue(toStage), parse.GetValue(reason), ct);
            context.Console.MarkupLine($"{Markup.Escape(info.Model)} version {info.Version} is now {StageMarkup(info.Stage)}");
            return 0;
        });

        var rollbackModel = new Argument<string>("model") { Description = "Model name" };
        var rollbackReason = new Option<string?>("--reason") { Description = "Reason recorded in the audit chain" };
        var rollback = new Command("rollback", "Return to the previous production version") { rollbackModel, rollbackReason };
        rollback.SetAction(async (parse, ct) =>
        {
            var info = await context.Client(parse).RollbackAsync(parse.GetValue(rollbackModel)!, parse.GetValue(rollbackReason), ct);
            context.Console.MarkupLine($"{Markup.Escape(info.Model)} rolled back: version {info.Version} is {StageMarkup(info.Stage)}");
            return 0;
        });

        var cardModel = new Argument<string>("model") { Description = "Model (or pipeline) name" };
        var cardVersion = new Option<string?>("--version") { Description = "Version (production, else the newest, by default)" };
        var cardFormat = new Option<string>("--format") { Description = "md, html or json", DefaultValueFactory = _ => "md" };
        var cardOut = new Option<FileInfo?>("--out") { Description = "Write to this file instead of standard output" };
        var cardCommand = new Command("card", "Render a version's model card (Model Card Toolkit sections, latest fairness audit, data profile)")
        {
            cardModel, cardVersion, cardFormat, cardOut,
        };
        cardCommand.SetAction(async (parse, ct) =>
        {
            var format = parse.GetValue(cardFormat);
            if (format is not ("md" or "html" or "json"))
            {
                throw new CliException($"unknown format '{format}'; use md, html or json");
            }

            var client = context.Client(parse);
            var name = parse.GetValue(cardModel)!;
            var label = parse.GetValue(cardVersion);
            if (label is null)
            {
                var summary = await client.GetModelAsync(name, ct);
                label = summary.ProductionVersion ?? summary.Versions.LastOrDefault()?.Version ?? throw new CliException($"model '{name}' has no versions");
            }

            var text = format == "json"
                ? CliContext.ToJson((await client.GetVersionAsync(name, label, ct)).Card)
                : await client.GetModelCardTextAsync(name, label, format, ct);
            DocumentOutput.Emit(text, parse.GetValue(cardOut), () => { });
            return 0;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(show);
        command.Subcommands.Add(deploy);
        command.Subcommands.Add(promote);
        command.Subcommands.Add(rollback);
        command.Subcommands.Add(cardCommand);
        return command;
    }

    private static ModelCard ReadCard(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliException($"card file '{file.FullName}' does not exist");
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(file.FullName), Warden.Client.WardenJsonContext.Default.ModelCard) ?? new ModelCard();
        }
        catch (JsonException ex)
        {
            throw new CliException($"card file '{file.Name}' is not valid JSON: {ex.Message}");
        }
    }

    private static string StageMarkup(string stage) => stage switch
    {
        "production" => "[green]production[/]",
        "staging" => "[yellow]staging[/]",
        _ => "[grey]" + Markup.Escape(stage) + "[/]",
    };
}

using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Warden.Training.Tabular;

namespace Warden.Cli.Commands;

/// <summary><c>warden train</c>: trains a binary classifier on any CSV and writes a deployable model directory.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<FileInfo>("--data")
        {
            Description = "CSV to train on (e.g. samples/data/hmda.csv).",
            Required = true,
        };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Directory for model.onnx, card.json, background.csv and reference.csv (e.g. samples/models/credit-risk/1).",
            Required = true,
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed for the split, the background sample and ML.NET.",
            DefaultValueFactory = _ => 42,
        };
        var card = new Option<FileInfo?>("--card")
        {
            Description = "A card.json template supplying what the data cannot: owner, uses, references, feature meanings, limitations.",
        };
        var tabular = new TabularOptions();

        var baseModel = FineTuneCommand.BaseOption();
        var models = FineTuneCommand.ModelsOption();
        var baseData = FineTuneCommand.BaseDataOption();
        var iterations = FineTuneCommand.IterationsOption();

        var command = new Command("train", "Train a binary classifier on any CSV with ML.NET and export a deployable ONNX model directory, or fine-tune a published version (--base).")
        {
            data,
            output,
            seed,
            card,
            baseModel,
            models,
            baseData,
            iterations,
        };
        foreach (var option in tabular.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(parseResult => parseResult.GetValue(baseModel) is { } reference
            ? FineTuneCommand.Run(reference, parseResult.GetValue(models)!, parseResult.GetValue(baseData)!,
                parseResult.GetValue(data)!, parseResult.GetValue(output)!, parseResult.GetValue(seed), parseResult.GetValue(iterations))
            : Run(parseResult, tabular, parseResult.GetValue(data)!, parseResult.GetValue(output)!, parseResult.GetValue(seed), parseResult.GetValue(card)));
        return command;
    }

    private static int Run(ParseResult parse, TabularOptions tabular, FileInfo data, DirectoryInfo output, int seed, FileInfo? card)
    {
        TabularTrainingResult result;
        try
        {
            var spec = tabular.Spec(parse, seed, output);
            foreach (var file in new[] { data, parse.GetValue(tabular.Test), card })
            {
                if (file is { Exists: false })
                {
                    throw new InvalidDataException($"file not found: {file.FullName}");
                }
            }

            result = TabularExport.TrainAndWrite(data.FullName, spec, output.FullName, parse.GetValue(tabular.Test)?.FullName, card?.FullName);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warden train: {ex.Message}");
            return 1;
        }

        var m = result.Metrics;
        var inv = CultureInfo.InvariantCulture;
        AnsiConsole.WriteLine($"{result.Card.Name}, seed {seed.ToString(inv)}: evaluated on {m.Rows.ToString(inv)} rows, {m.Positives.ToString(inv)} positive");
        var table = new Table()
            .AddColumn("metric")
            .AddColumn(new TableColumn("value").RightAligned());
        foreach (var (name, value) in result.Card.Metrics)
        {
            table.AddRow(new Text(name), new Text(value.ToString("0.0000", inv)));
        }

        AnsiConsole.Write(table);

        var signature = new Table().AddColumn("").AddColumn("name").AddColumn("type").AddColumn("shape");
        foreach (var v in result.Inputs)
        {
            AddSignatureRow(signature, "input", v);
        }

        foreach (var v in result.Outputs)
        {
            AddSignatureRow(signature, "output", v);
        }

        AnsiConsole.Write(signature);
        AnsiConsole.Write(new Text($"wrote {result.ModelPath}, {result.CardPath}, {result.BackgroundPath}, {result.ReferencePath}\n"));
        return 0;
    }

    // Shapes such as [N,1] would otherwise be read as Spectre markup tags.
    private static void AddSignatureRow(Table table, string kind, Warden.Core.Onnx.OnnxValueSignature value) =>
        table.AddRow(new Text(kind), new Text(value.Name), new Text(value.ElementType.ToString()), new Text(value.ShapeText));
}

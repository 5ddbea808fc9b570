using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Warden.Training;

namespace Warden.Cli.Commands;

/// <summary><c>warden train</c>: trains the demo <c>credit-risk</c> model and writes model.onnx, card.json and background.csv.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<FileInfo>("--data")
        {
            Description = "HMDA CSV to train on (samples/data/hmda.csv).",
            Required = true,
        };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Directory for model.onnx, card.json and background.csv (e.g. samples/models/credit-risk/1).",
            Required = true,
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed for the split, the background sample and ML.NET.",
            DefaultValueFactory = _ => 42,
        };

        var baseModel = FineTuneCommand.BaseOption();
        var models = FineTuneCommand.ModelsOption();
        var baseData = FineTuneCommand.BaseDataOption();
        var iterations = FineTuneCommand.IterationsOption();

        var command = new Command("train", "Train the credit-risk demo model with ML.NET and export it to ONNX, or fine-tune a published version (--base).")
        {
            data,
            output,
            seed,
            baseModel,
            models,
            baseData,
            iterations,
        };
        command.SetAction(parseResult => parseResult.GetValue(baseModel) is { } reference
            ? FineTuneCommand.Run(reference, parseResult.GetValue(models)!, parseResult.GetValue(baseData)!,
                parseResult.GetValue(data)!, parseResult.GetValue(output)!, parseResult.GetValue(seed), parseResult.GetValue(iterations))
            : Run(parseResult.GetValue(data)!, parseResult.GetValue(output)!, parseResult.GetValue(seed)));
        return command;
    }

    private static int Run(FileInfo data, DirectoryInfo output, int seed)
    {
        if (!data.Exists)
        {
            Console.Error.WriteLine($"warden train: data file not found: {data.FullName}");
            return 1;
        }

        CreditRiskTrainingResult result;
        try
        {
            result = CreditRiskTrainer.TrainAndExport(data.FullName, output.FullName, seed);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warden train: {ex.Message}");
            return 1;
        }

        var m = result.Metrics;
        var inv = CultureInfo.InvariantCulture;
        AnsiConsole.WriteLine($"credit-risk, seed {seed.ToString(inv)}: held-out {m.Rows.ToString(inv)} rows, {m.Positives.ToString(inv)} denied");
        var table = new Table()
            .AddColumn("metric")
            .AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("AUC", m.Auc.ToString("0.0000", inv));
        table.AddRow("accuracy", m.Accuracy.ToString("0.0000", inv));
        table.AddRow("log-loss (bits)", m.LogLoss.ToString("0.0000", inv));
        table.AddRow("F1", m.F1.ToString("0.0000", inv));
        table.AddRow("precision", m.Precision.ToString("0.0000", inv));
        table.AddRow("recall", m.Recall.ToString("0.0000", inv));
        table.AddRow("AUPRC", m.Auprc.ToString("0.0000", inv));
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
        AnsiConsole.MarkupLineInterpolated($"wrote [green]{result.ModelPath}[/], [green]{result.CardPath}[/], [green]{result.BackgroundPath}[/]");
        return 0;
    }

    // Shapes such as [N,1] would otherwise be read as Spectre markup tags.
    private static void AddSignatureRow(Table table, string kind, Warden.Core.Onnx.OnnxValueSignature value) =>
        table.AddRow(new Text(kind), new Text(value.Name), new Text(value.ElementType.ToString()), new Text(value.ShapeText));
}

using System.CommandLine;
using System.Globalization;
using Warden.Training.Adaptation;
using Warden.Training.Transfer;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden train --base NAME:VERSION</c>: warm-start fine-tuning of a published credit-risk version on target rows. The
/// base's ML.NET parameters are recovered by retraining it from its recorded data and seed (verified against the published
/// graph), so the registry keeps ONNX as its only artefact.
/// </summary>
internal static class FineTuneCommand
{
    public static Option<string?> BaseOption() => new("--base")
    {
        Description = "Fine-tune this published version (NAME:VERSION, e.g. credit-risk:1) on --data instead of training from scratch.",
    };

    public static Option<DirectoryInfo> ModelsOption() => new("--models")
    {
        Description = "Model repository holding NAME/VERSION/model.onnx (with --base).",
        DefaultValueFactory = _ => new DirectoryInfo("samples/models"),
    };

    public static Option<FileInfo> BaseDataOption() => new("--base-data")
    {
        Description = "The data the base was trained on; its sha256 must match the base's metadata (with --base).",
        DefaultValueFactory = _ => new FileInfo("samples/data/hmda.csv"),
    };

    public static Option<int> IterationsOption() => new("--iterations")
    {
        Description = "L-BFGS iterations from the base weights (with --base).",
        DefaultValueFactory = _ => WarmStartFineTuner.DefaultIterations,
    };

    public static int Run(string reference, DirectoryInfo models, FileInfo baseData, FileInfo data, DirectoryInfo output, int seed, int iterations)
    {
        var parts = reference.Split(':');
        if (parts.Length != 2 || parts[0].Length == 0 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            Console.Error.WriteLine($"warden train: --base must be NAME:VERSION, got '{reference}'.");
            return 1;
        }

        var versionDir = Path.Combine(models.FullName, parts[0], parts[1]);
        FineTuneResult result;
        try
        {
            result = WarmStartFineTuner.FineTuneAndExport(versionDir, reference, TransferCommand.Existing(baseData),
                TransferCommand.Existing(data), output.FullName, seed, iterations);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warden train: {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }

        var text = string.Create(CultureInfo.InvariantCulture,
            $"fine-tuned {reference} on {result.TrainRows} target rows ({iterations} L-BFGS iterations); target hold-out {result.HoldoutRows} rows\n\n") +
            "| model | AUC | accuracy | log-loss (bits) | Brier | ECE |\n|---|---|---|---|---|---|\n" +
            Row("base", result.Base) + Row("fine-tuned", result.FineTuned) + Row("scratch (same rows)", result.Scratch) +
            $"\nwrote {result.ModelPath}, {result.CardPath}, {result.ReportPath}\n";
        Console.Out.Write(text);
        return 0;
    }

    private static string Row(string name, BinaryQuality q) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {q.Auc:0.000} | {q.Accuracy:0.000} | {q.LogLoss:0.000} | {q.Brier:0.000} | {q.Ece:0.000} |\n");
}

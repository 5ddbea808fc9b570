using System.CommandLine;
using Spectre.Console;
using Warden.Core.Fairness;
using Warden.Training;
using Warden.Training.Mitigation;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden mitigate</c>: trains the credit-risk model with a bias mitigation, prints the before/after table and writes a
/// deployable model directory with mitigation.json and mitigation.md.
/// </summary>
internal static class MitigateCommand
{
    private static readonly string[] Methods = Enum.GetValues<MitigationMethod>().Select(MitigationTrainer.Name).ToArray();

    public static Command Create()
    {
        var data = new Option<FileInfo>("--data") { Description = "HMDA CSV to train on (samples/data/hmda.csv).", Required = true };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Directory for model.onnx, card.json, background.csv, mitigation.json/.md (and group-thresholds.json).",
            Required = true,
        };
        var seed = new Option<int>("--seed") { Description = "Seed for the split, the learners and any sampling.", DefaultValueFactory = _ => 42 };
        var mitigation = new Option<string>("--mitigation")
        {
            Description = "none | reweighing | resampling | exponentiated-gradient | adversarial | threshold.",
            DefaultValueFactory = _ => "none",
        };
        mitigation.AcceptOnlyFromAmong(Methods);
        var constraint = new Option<string>("--constraint")
        {
            Description = "demographic-parity | equalized-odds (for exponentiated-gradient, adversarial and threshold).",
            DefaultValueFactory = _ => "demographic-parity",
        };
        constraint.AcceptOnlyFromAmong("demographic-parity", "equalized-odds");
        var folds = new Option<int>("--cross-validate")
        {
            Description = "Also report out-of-fold metrics of a stratified k-fold cross-validation over all rows (0 = off).",
            DefaultValueFactory = _ => 0,
        };

        var command = new Command("mitigate", "Train the credit-risk model with a bias mitigation and compare it with the unmitigated model.")
        {
            data, output, seed, mitigation, constraint, folds,
        };
        command.SetAction(parseResult => Run(
            parseResult.GetValue(data)!, parseResult.GetValue(output)!, parseResult.GetValue(seed),
            parseResult.GetValue(mitigation)!, parseResult.GetValue(constraint)!, parseResult.GetValue(folds)));
        return command;
    }

    private static int Run(FileInfo data, DirectoryInfo output, int seed, string mitigation, string constraint, int folds)
    {
        if (folds is 1 or < 0)
        {
            Console.Error.WriteLine("warden mitigate: --cross-validate needs 0 (off) or at least 2 folds.");
            return 1;
        }

        if (!data.Exists)
        {
            Console.Error.WriteLine($"warden mitigate: data file not found: {data.FullName}");
            return 1;
        }

        var method = Enum.GetValues<MitigationMethod>().Single(m => MitigationTrainer.Name(m) == mitigation);
        var target = constraint == "equalized-odds" ? FairnessConstraint.EqualizedOdds : FairnessConstraint.DemographicParity;
        MitigationResult result;
        try
        {
            result = MitigationTrainer.TrainAndExport(data.FullName, output.FullName, method, target, seed, crossValidationFolds: folds);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warden mitigate: {ex.Message}");
            return 1;
        }

        // Markdown is printed as plain text: its [ ] and | would otherwise be read as Spectre markup.
        AnsiConsole.Write(new Text(MitigationMarkdown.Render(result.Report)));
        var written = new[] { result.ModelPath, result.CardPath, result.BackgroundPath, result.ReportPath, result.MarkdownPath, result.ThresholdsPath }
            .Where(p => p is not null);
        AnsiConsole.Write(new Text("wrote " + string.Join(", ", written) + "\n"));
        return 0;
    }
}

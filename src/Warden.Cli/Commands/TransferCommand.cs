using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Warden.Training;
using Warden.Training.Transfer;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden transfer</c>: learning curves for warm-start fine-tuning (<c>curve</c>) and for a frozen ResNet18 backbone with a
/// trained head (<c>images</c>, which can also write the combined ONNX). Fine-tuning a published model is <c>warden train --base</c>.
/// </summary>
internal static class TransferCommand
{
    public static Command Create()
    {
        var command = new Command("transfer", "Transfer learning: learning curves and a backbone+head ONNX model.");
        command.Subcommands.Add(Curve());
        command.Subcommands.Add(Images());
        return command;
    }

    private static Command Curve()
    {
        var data = new Option<FileInfo>("--data") { Description = "HMDA CSV (samples/data/hmda.csv); source = afam no, target = afam yes.", Required = true };
        var sizes = ListOption("--sizes", "Labelled target rows per point.", TabularTransferCurve.DefaultSizes);
        var budgets = ListOption("--budgets", "L-BFGS iteration budgets for fine-tuning.", TabularTransferCurve.DefaultBudgets);
        var seeds = new Option<int>("--seeds") { Description = "Seeds 1…n averaged.", DefaultValueFactory = _ => 10 };
        var command = new Command("curve", "Fine-tuned vs from-scratch credit-risk quality against labelled target rows.") { data, sizes, budgets, seeds };
        command.SetAction(parse =>
        {
            var rows = HmdaDataset.Load(Existing(parse.GetValue(data)!));
            var points = TabularTransferCurve.Run(rows, parse.GetValue(sizes)!, Seeds(parse.GetValue(seeds)), parse.GetValue(budgets)!);
            Console.Out.Write(LearningCurvePoint.ToMarkdown(points));
            return 0;
        });
        return command;
    }

    private static Command Images()
    {
        var data = new Option<FileInfo>("--data") { Description = "Digits CSV (samples/data/digits.csv).", Required = true };
        var shots = ListOption("--shots", "Labelled images per class per point.", FewShotImageCurve.DefaultShots);
        var seeds = new Option<int>("--seeds") { Description = "Seeds 1…n averaged.", DefaultValueFactory = _ => 5 };
        var callers = new Option<int>("--callers") { Description = "Concurrent ONNX Runtime callers (one intra-op thread each).", DefaultValueFactory = _ => 2 };
        var output = new Option<FileInfo?>("--out") { Description = "Also write the combined backbone+head model.onnx here." };
        var exportShots = new Option<int>("--export-shots") { Description = "Images per class for the exported head.", DefaultValueFactory = _ => 20 };
        var l1 = new Option<float>("--l1") { Description = "L1 weight of the softmax head.", DefaultValueFactory = _ => SoftmaxHead.DefaultL1 };
        var l2 = new Option<float>("--l2") { Description = "L2 weight of the softmax head.", DefaultValueFactory = _ => SoftmaxHead.DefaultL2 };
        var command = new Command("images", "Frozen ResNet18 features vs raw pixels with a k-shot softmax head on the digits.")
        {
            data, shots, seeds, callers, output, exportShots, l1, l2,
        };
        command.SetAction(parse =>
        {
            var inv = CultureInfo.InvariantCulture;
            var digits = DigitImage.Load(Existing(parse.GetValue(data)!));
            var clock = Stopwatch.StartNew();
            float[][] features;
            using (var extractor = new ImageFeatureExtractor(ResNet18Backbone.Load().ToBytes()))
            {
                var load = clock.Elapsed.TotalSeconds;
                features = extractor.Extract(digits, d => d.ToRgbImage(), parse.GetValue(callers));
                var seconds = clock.Elapsed.TotalSeconds - load;
                Console.Out.WriteLine(string.Create(inv,
                    $"extracted {digits.Count} × {ResNet18Backbone.FeatureCount} features in {seconds:0.0} s ({digits.Count / seconds:0} images/s, {parse.GetValue(callers)} callers; session load {load:0.0} s)"));
            }

            var points = FewShotImageCurve.Run(digits, features, parse.GetValue(shots)!, Seeds(parse.GetValue(seeds)), parse.GetValue(l1), parse.GetValue(l2));
            Console.Out.Write(LearningCurvePoint.ToMarkdown(points, "labelled per class"));
            if (parse.GetValue(output) is { } file)
            {
                var export = CombinedImageModel.Export(digits, features, parse.GetValue(exportShots), 42, file.FullName,
                    l1: parse.GetValue(l1), l2: parse.GetValue(l2));
                Console.Out.WriteLine(string.Create(inv,
                    $"wrote {export.ModelPath}: head on {export.TrainImages} images, test accuracy {export.TestAccuracy:0.000} on {export.TestImages}; " +
                    $"ONNX vs ML.NET max |Δp| {export.MaxProbabilityDifference:0.0e0} on {export.CheckedImages} images"));
            }

            return 0;
        });
        return command;
    }

    internal static Option<int[]> ListOption(string name, string description, IReadOnlyList<int> defaults) => new(name)
    {
        Description = description + " Space-separated.",
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => defaults.ToArray(),
    };

    internal static int[] Seeds(int count) =>
        count > 0 ? Enumerable.Range(1, count).ToArray() : throw new ArgumentException("--seeds must be at least 1.");

    internal static string Existing(FileInfo file) =>
        file.Exists ? file.FullName : throw new FileNotFoundException($"file not found: {file.FullName}");
}

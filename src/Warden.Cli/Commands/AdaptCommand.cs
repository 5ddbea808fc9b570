using System.CommandLine;
using System.Globalization;
using System.Text;
using Warden.Training;
using Warden.Training.Adaptation;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden adapt</c>: domain adaptation between two HMDA-format CSVs (source, target): <c>shift</c> (domain-classifier AUC,
/// per-feature KS), <c>weights</c> (importance weights and effective sample size) and <c>recalibrate</c> (target-domain quality
/// before and after importance weighting, Platt scaling and isotonic regression).
/// </summary>
internal static class AdaptCommand
{
    public static Command Create()
    {
        var command = new Command("adapt", "Domain adaptation: shift detection, importance weights, recalibration.");
        command.Subcommands.Add(Shift());
        command.Subcommands.Add(Weights());
        command.Subcommands.Add(Recalibrate());
        return command;
    }

    private static (Option<FileInfo> Source, Option<FileInfo> Target) Domains() =>
        (new Option<FileInfo>("--source") { Description = "Source-domain HMDA CSV.", Required = true },
         new Option<FileInfo>("--target") { Description = "Target-domain HMDA CSV.", Required = true });

    private static Command Shift()
    {
        var (source, target) = Domains();
        var seed = new Option<int>("--seed") { Description = "Seed for the cross-validation folds.", DefaultValueFactory = _ => 42 };
        var command = new Command("shift", "Domain-classifier AUC (5-fold CV) and per-feature two-sample KS.") { source, target, seed };
        command.SetAction(parse =>
        {
            var (s, t) = Load(parse.GetValue(source)!, parse.GetValue(target)!);
            var report = ShiftReport.Compute(HmdaDataset.FeatureNames, Features(s), Features(t), seed: parse.GetValue(seed));
            var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
                $"source {report.SourceRows} rows, target {report.TargetRows} rows; domain-classifier AUC ({DomainClassifier.DefaultFolds}-fold CV) {report.DomainAuc:0.000}\n\n"));
            text.Append("| feature | KS D | p-value |\n|---|---:|---:|\n");
            foreach (var ks in report.Features.OrderByDescending(k => k.D))
            {
                text.Append(string.Create(CultureInfo.InvariantCulture, $"| {ks.Feature} | {ks.D:0.000} | {ks.PValue:0.0e0} |\n"));
            }

            Console.Out.Write(text.ToString());
            return 0;
        });
        return command;
    }

    private static Command Weights()
    {
        var (source, target) = Domains();
        var clip = new Option<double>("--clip") { Description = "Clip the density ratios at this percentile.", DefaultValueFactory = _ => ImportanceWeights.DefaultClipPercentile };
        var seed = new Option<int>("--seed") { Description = "Seed for the cross-validation folds.", DefaultValueFactory = _ => 42 };
        var output = new Option<FileInfo?>("--out") { Description = "Write one weight per source row (CSV, header 'weight')." };
        var command = new Command("weights", "Importance weights p_target/p_source for the source rows from a domain classifier.") { source, target, clip, seed, output };
        command.SetAction(parse =>
        {
            var (s, t) = Load(parse.GetValue(source)!, parse.GetValue(target)!);
            var domain = DomainClassifier.CrossValidate(Features(s), Features(t), seed: parse.GetValue(seed));
            var w = ImportanceWeights.FromDomainProbabilities(domain.SourceTargetProbability, s.Count, t.Count, parse.GetValue(clip));
            var inv = CultureInfo.InvariantCulture;
            Console.Out.WriteLine(string.Create(inv,
                $"{s.Count} source rows; ratio clipped at {w.ClipValue:0.###} ({w.ClippedRows} rows); weights min {w.Weights.Min():0.###}, max {w.Weights.Max():0.###}, mean 1; effective sample size {w.EffectiveSampleSize:0.0} ({w.EffectiveSampleSize / s.Count:P1})"));
            if (parse.GetValue(output) is { } file)
            {
                File.WriteAllLines(file.FullName, w.Weights.Select(v => v.ToString("R", inv)).Prepend("weight"));
                Console.Out.WriteLine($"wrote {file.FullName}");
            }

            return 0;
        });
        return command;
    }

    private static Command Recalibrate()
    {
        var (source, target) = Domains();
        var calibrationRows = new Option<int>("--calibration-rows") { Description = "Labelled target rows used for recalibration.", DefaultValueFactory = _ => AdaptationExperiment.DefaultCalibrationRows };
        var seeds = new Option<int>("--seeds") { Description = "Seeds 1…n averaged.", DefaultValueFactory = _ => 10 };
        var command = new Command("recalibrate",
            "Target-domain quality of the source model before/after importance weighting, Platt scaling and isotonic regression.")
        {
            source, target, calibrationRows, seeds,
        };
        command.SetAction(parse =>
        {
            var (s, t) = Load(parse.GetValue(source)!, parse.GetValue(target)!);
            var (shift, ess, outcomes) = AdaptationExperiment.Run(s, t, TransferCommand.Seeds(parse.GetValue(seeds)), parse.GetValue(calibrationRows));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"domain-classifier AUC {shift.DomainAuc:0.000}; importance-weight ESS {ess.Mean:0.0} ± {ess.StandardDeviation:0.0} of {s.Count}; {parse.GetValue(calibrationRows)} labelled target rows; test = half the target\n"));
            Console.Out.Write(AdaptationExperiment.ToMarkdown(outcomes));
            return 0;
        });
        return command;
    }

    private static (IReadOnlyList<HmdaApplication> Source, IReadOnlyList<HmdaApplication> Target) Load(FileInfo source, FileInfo target) =>
        (HmdaDataset.Load(TransferCommand.Existing(source)), HmdaDataset.Load(TransferCommand.Existing(target)));

    private static float[][] Features(IReadOnlyList<HmdaApplication> rows) => rows.Select(r => r.Features()).ToArray();
}

using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Warden.Core.Drift;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden drift report|profile</c>: thin wrapper over <see cref="DriftAnalyzer"/> and <see cref="ReferenceProfile"/>;
/// with <c>--model</c> the server analyses the model's logged traffic against the version's reference.
/// </summary>
internal static class DriftCommand
{
    public static Command Create(CliContext? context = null)
    {
        context ??= new CliContext();
        var drift = new Command("drift", "Data and prediction drift of a current data set against a reference");
        drift.Subcommands.Add(CreateReport(context));
        drift.Subcommands.Add(CreateProfile());
        return drift;
    }

    private static Command CreateReport(CliContext context)
    {
        var model = new Option<string?>("--model") { Description = "Analyse this deployed model's logged traffic on the server (instead of --reference/--current)" };
        var since = new Option<string>("--since") { Description = "With --model: window start, a duration (24h, 7d) or an ISO time", DefaultValueFactory = _ => "24h" };
        var version = new Option<string?>("--model-version") { Description = "With --model: the version to analyse (production by default)" };
        var reference = new Option<FileInfo?>("--reference") { Description = "Reference CSV, or a profile JSON written by 'warden drift profile'" };
        var current = new Option<FileInfo?>("--current") { Description = "Current CSV" };
        var features = new Option<string?>("--features") { Description = "Comma-separated features to test (default: all profiled columns)" };
        var psi = new Option<bool>("--psi") { Description = "Also compute PSI per feature" };
        var psiQuantiles = new Option<bool>("--psi-quantiles") { Description = "PSI on 10 reference-quantile bins instead of Evidently's Sturges bins" };
        var prediction = new Option<string?>("--prediction") { Description = "Score or predicted-label column: reported as prediction drift, not counted in the drift share" };
        var share = new Option<double>("--drift-share") { Description = "Share of drifted features that makes the data set drifted", DefaultValueFactory = _ => 0.5 };
        var format = new Option<string>("--format") { Description = "table | json | md | html", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "md", "html");
        var output = new Option<FileInfo?>("--out") { Description = "Write the report to this file instead of stdout" };

        var command = new Command("report", "Test every feature of --current against --reference (Evidently's default tests)")
        {
            model, since, version, reference, current, features, psi, psiQuantiles, prediction, share, format, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(model) is { } name)
            {
                var fmt = parse.GetValue(format)!;
                var text = await context.Client(parse).GetDriftReportTextAsync(name, parse.GetValue(since), parse.GetValue(version), fmt == "table" ? "json" : fmt, ct);
                if (fmt == "table" && parse.GetValue(output) is null)
                {
                    WriteTable(DriftReport.FromJson(text));
                }
                else if (parse.GetValue(output) is { } file)
                {
                    await File.WriteAllTextAsync(file.FullName, text, ct);
                }
                else
                {
                    Console.Out.Write(text);
                }

                return 0;
            }

            try
            {
                if (parse.GetValue(reference) is null || parse.GetValue(current) is null)
                {
                    throw new ArgumentException("give --reference and --current, or --model to analyse live traffic on the server");
                }

                var refFile = parse.GetValue(reference)!;
                var profile = refFile.Extension.Equals(".json", StringComparison.OrdinalIgnoreCase)
                    ? ReferenceProfile.FromJson(File.ReadAllText(refFile.FullName))
                    : ReferenceProfile.FromCsv(refFile.FullName);
                var data = ColumnSet.FromCsv(parse.GetValue(current)!.FullName);
                var options = new DriftOptions
                {
                    Features = parse.GetValue(features)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    ComputePsi = parse.GetValue(psi) || parse.GetValue(psiQuantiles),
                    PsiBinning = parse.GetValue(psiQuantiles) ? PsiBinning.ReferenceQuantiles : PsiBinning.Evidently,
                    PredictionColumn = parse.GetValue(prediction),
                    DriftShare = parse.GetValue(share),
                };
                var report = new DriftAnalyzer(TimeProvider.System).Analyze(profile, data, options);
                var rules = new List<DriftAlertRule>(DriftAlertRule.Defaults) { new(DriftAlertKind.PredictionDrifted) };
                report = report with { Alerts = DriftAlertRule.EvaluateAll(report, rules) };
                string fmt = parse.GetValue(format)!;
                var outFile = parse.GetValue(output);
                if (fmt == "table" && outFile is null)
                {
                    WriteTable(report);
                    return 0;
                }

                string text = fmt switch
                {
                    "json" => report.ToJson(),
                    "html" => report.ToHtml(),
                    _ => report.ToMarkdown(),
                };
                if (outFile is null)
                {
                    Console.Out.Write(text);
                }
                else
                {
                    File.WriteAllText(outFile.FullName, text);
                }

                return 0;
            }
            catch (Exception ex) when (ex is IOException or FormatException or ArgumentException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"warden drift report: {ex.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command CreateProfile()
    {
        var data = new Option<FileInfo>("--data") { Description = "Reference (training) CSV", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Profile JSON to write", Required = true };
        var sample = new Option<int>("--sample-size") { Description = "Rows kept per feature", DefaultValueFactory = _ => ReferenceProfile.DefaultSampleSize };
        var seed = new Option<int>("--seed") { Description = "Sampling seed", DefaultValueFactory = _ => ReferenceProfile.DefaultSeed };
        var command = new Command("profile", "Summarise a reference data set into a JSON profile used by 'drift report'") { data, output, sample, seed };
        command.SetAction(parse =>
        {
            try
            {
                var profile = ReferenceProfile.FromCsv(parse.GetValue(data)!.FullName, parse.GetValue(sample), parse.GetValue(seed));
                File.WriteAllText(parse.GetValue(output)!.FullName, profile.ToJson());
                Console.Out.WriteLine($"profiled {profile.Features.Count} features of {profile.RowCount} rows");
                return 0;
            }
            catch (Exception ex) when (ex is IOException or FormatException or ArgumentException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"warden drift profile: {ex.Message}");
                return 1;
            }
        });
        return command;
    }

    private static void WriteTable(DriftReport report)
    {
        var table = new Table().AddColumns("feature", "kind", "test", "score", "threshold", "drifted", "PSI");
        var rows = report.Prediction is null ? report.Features : report.Features.Append(report.Prediction);
        foreach (var f in rows)
        {
            table.AddRow(
                Markup.Escape(f == report.Prediction ? f.Name + " (prediction)" : f.Name),
                f.Kind.ToString(),
                f.Test.ToString(),
                f.Score.ToString("G4", CultureInfo.InvariantCulture),
                f.Threshold.ToString("G3", CultureInfo.InvariantCulture),
                f.Drifted ? "[red]yes[/]" : "[green]no[/]",
                f.Psi?.ToString("G4", CultureInfo.InvariantCulture) ?? "");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(report.DatasetDrift
            ? $"[red]Data set drift[/]: {report.DriftedCount} of {report.FeatureCount} features drifted (share {report.DriftShare.ToString("0.###", CultureInfo.InvariantCulture)})"
            : $"[green]No data set drift[/]: {report.DriftedCount} of {report.FeatureCount} features drifted (share {report.DriftShare.ToString("0.###", CultureInfo.InvariantCulture)})");
        foreach (var alert in report.Alerts)
        {
            AnsiConsole.MarkupLine($"[yellow]alert[/] {Markup.Escape(alert.Message)}");
        }
    }
}

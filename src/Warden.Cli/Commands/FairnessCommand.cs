using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Warden.Contracts.Monitoring;
using Warden.Core.Fairness;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden fairness report</c>: group metrics, disparities and bootstrap intervals of a labelled, predicted CSV, or, with
/// <c>--model</c>, of a deployed model's labelled live traffic (the server runs and stores the audit).
/// </summary>
internal static class FairnessCommand
{
    public static Command Create(CliContext? context = null)
    {
        context ??= new CliContext();
        var model = new Option<string?>("--model") { Description = "Audit this deployed model's labelled live traffic on the server (instead of --data)" };
        var since = new Option<string?>("--since") { Description = "With --model: window start, a duration (7d, 24h) or an ISO time" };
        var version = new Option<string?>("--model-version") { Description = "With --model: only predictions of this version" };
        var data = new Option<FileInfo?>("--data") { Description = "CSV file with labels, predictions or scores, and sensitive columns" };
        var label = new Option<string?>("--label") { Description = "True label column (with --data)" };
        var prediction = new Option<string?>("--prediction") { Description = "Predicted label column (same values as the label)" };
        var score = new Option<string?>("--score") { Description = "Score column; prediction = score >= threshold" };
        var threshold = new Option<double>("--threshold") { Description = "Threshold for --score", DefaultValueFactory = _ => 0.5 };
        var sensitive = new Option<string?>("--sensitive") { Description = "Comma-separated sensitive columns, e.g. colour,sex (with --model: default the card's)" };
        var privileged = new Option<string?>("--privileged") { Description = "Privileged values, e.g. colour=White,sex=Male (enables AIF360 metrics)" };
        var positive = new Option<string?>("--positive") { Description = "Label value of the positive (favourable) outcome" };
        var weight = new Option<string?>("--weight") { Description = "Optional sample-weight column" };
        var format = new Option<string>("--format") { Description = "table | json | md | html", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "md", "html");
        var output = new Option<FileInfo?>("--out") { Description = "Write the report to this file instead of stdout" };
        var minGroup = new Option<int>("--min-group-size") { Description = "Groups with fewer rows are not judged", DefaultValueFactory = _ => 30 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for intervals (0 = none)", DefaultValueFactory = _ => 200 };
        var seed = new Option<ulong>("--seed") { Description = "Bootstrap seed", DefaultValueFactory = _ => 42UL };
        var bins = new Option<int>("--calibration-bins") { Description = "Score bins for calibration", DefaultValueFactory = _ => 10 };
        var policy = new Option<FileInfo?>("--policy") { Description = "Fairness policy JSON; exit code 2 when it fails" };

        var report = new Command("report", "Per-group metrics, Fairlearn/AIF360 disparities and bootstrap intervals")
        {
            model, since, version, data, label, prediction, score, threshold, sensitive, privileged, positive, weight, format, output, minGroup, bootstrap, seed, bins, policy,
        };
        report.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(model) is { } name)
            {
                var request = new FairnessAuditRequest
                {
                    Since = parse.GetValue(since),
                    Version = parse.GetValue(version),
                    SensitiveFeatures = parse.GetValue(sensitive) is { } list ? SplitList(list) : null,
                    Privileged = ParsePairs(parse.GetValue(privileged)) is { Count: > 0 } given ? given : null,
                    Threshold = parse.GetResult(threshold) is { Implicit: false } ? parse.GetValue(threshold) : null,
                    PositiveLabel = parse.GetValue(positive),
                    Bootstrap = parse.GetValue(bootstrap),
                    MinGroupSize = parse.GetValue(minGroup),
                };
                return await RemoteAsync(context, parse, name, request, parse.GetValue(format)!, parse.GetValue(output), ct);
            }

            try
            {
                if (parse.GetValue(data) is null || parse.GetValue(label) is null || parse.GetValue(sensitive) is null || parse.GetValue(positive) is null)
                {
                    throw new ArgumentException("give --data, --label, --sensitive and --positive for a CSV, or --model to audit live traffic on the server");
                }

                var csv = new FairnessCsvOptions
                {
                    Label = parse.GetValue(label)!,
                    Prediction = parse.GetValue(prediction),
                    Score = parse.GetValue(score),
                    Threshold = parse.GetValue(threshold),
                    Sensitive = SplitList(parse.GetValue(sensitive)!),
                    PositiveLabel = parse.GetValue(positive)!,
                    Weight = parse.GetValue(weight),
                };
                var path = parse.GetValue(data)!.FullName;
                var dataset = FairnessCsvReader.Read(path, csv);
                var gate = parse.GetValue(policy) is { } p ? FairnessPolicy.FromJson(File.ReadAllText(p.FullName)) : null;
                var options = new FairnessOptions
                {
                    Privileged = ParsePairs(parse.GetValue(privileged)) is { Count: > 0 } pairs ? pairs : gate?.Privileged ?? new Dictionary<string, string>(),
                    MinGroupSize = parse.GetValue(minGroup),
                    BootstrapResamples = parse.GetValue(bootstrap),
                    Seed = parse.GetValue(seed),
                    CalibrationBins = parse.GetValue(bins),
                };
                var source = $"{Path.GetFileName(path)}: label {csv.Label}, {(csv.Score is null ? "prediction " + csv.Prediction : string.Create(CultureInfo.InvariantCulture, $"score {csv.Score} >= {csv.Threshold}"))}, positive '{csv.PositiveLabel}'";
                var result = FairnessAnalyzer.Analyze(dataset, options, source);
                var text = parse.GetValue(format) switch
                {
                    "json" => FairnessReportJson.Serialize(result),
                    "md" => FairnessMarkdownRenderer.Render(result),
                    "html" => FairnessHtmlRenderer.Render(result),
                    _ => null,
                };
                DocumentOutput.Emit(text, parse.GetValue(output), () => WriteTable(result));
                if (gate is not null)
                {
                    var evaluation = FairnessPolicyEvaluator.Evaluate(gate, result);
                    foreach (var c in evaluation.Checks)
                    {
                        Console.Error.WriteLine($"{(c.Passed ? "PASS" : "FAIL")} {c.Metric} [{c.Section}] {c.Reason}");
                    }

                    return evaluation.Passed ? 0 : 2;
                }

                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidDataException or IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"warden fairness: {Message(ex)}");
                return 1;
            }
        });
        return new Command("fairness", "Fairness analysis of model predictions") { report };
    }

    private static async Task<int> RemoteAsync(
        CliContext context, ParseResult parse, string model, FairnessAuditRequest request, string format, FileInfo? output, CancellationToken cancellationToken)
    {
        var client = context.Client(parse);
        var info = await client.RunFairnessReportAsync(model, request, cancellationToken);
        var text = format switch
        {
            "json" => info.Report?.GetRawText(),
            "md" or "html" => await client.GetFairnessReportTextAsync(model, info.Id, format, cancellationToken),
            _ => null,
        };
        DocumentOutput.Emit(text, output, () => WriteTable(FairnessReportJson.Deserialize(info.Report!.Value.GetRawText())));
        Console.Error.WriteLine($"fairness report {info.Id} of {model}: {info.Rows} labelled predictions"
            + (info.Passed is null ? "" : info.Passed.Value ? ", policy passed" : ", policy FAILED"));
        foreach (var failure in info.Failures)
        {
            Console.Error.WriteLine("FAIL " + failure);
        }

        return info.Passed == false ? 2 : 0;
    }

    /// <summary>The exception message without the " (Parameter 'x')" suffix, which means nothing to a CLI user.</summary>
    internal static string Message(Exception ex) =>
        ex is ArgumentException { ParamName: { } name } ? ex.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : ex.Message;

    internal static List<string> SplitList(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    internal static Dictionary<string, string> ParsePairs(string? value)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in SplitList(value ?? string.Empty))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"Expected feature=value, got '{pair}'.");
            }

            result[pair[..eq]] = pair[(eq + 1)..];
        }

        return result;
    }

    private static void WriteTable(FairnessReport report)
    {
        foreach (var s in report.Sections)
        {
            var groups = new Table().Title($"[bold]{Markup.Escape(s.Key)}[/]");
            groups.AddColumns("group", "n", "selection", "TPR", "FPR", "PPV", "accuracy");
            foreach (var g in s.Groups)
            {
                groups.AddRow(Markup.Escape(g.Key + (g.TooSmall ? " (too small)" : string.Empty)), g.Count.ToString(CultureInfo.InvariantCulture),
                    F(g.SelectionRate), F(g.TruePositiveRate), F(g.FalsePositiveRate), F(g.PositivePredictiveValue), F(g.Accuracy));
            }

            AnsiConsole.Write(groups);
            var disparities = new Table().AddColumns("disparity", "family", "value", "interval");
            foreach (var d in s.Disparities.Where(d => d.Family != "fairlearn" || d.Name.StartsWith("demographic", StringComparison.Ordinal) || d.Name.StartsWith("equalized", StringComparison.Ordinal)))
            {
                disparities.AddRow(d.Name, d.Family, F(new Estimate(d.Value)), d.Lower is null ? "-" : Markup.Escape($"[{F(new Estimate(d.Lower))}, {F(new Estimate(d.Upper))}]"));
            }

            AnsiConsole.Write(disparities);
        }

        static string F(Estimate e) => e.Value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "undefined";
    }
}

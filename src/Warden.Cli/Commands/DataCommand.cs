using Warden.Core.Data;
using System.CommandLine;
using System.Globalization;
using Warden.Core.Fairness;

namespace Warden.Cli.Commands;

/// <summary><c>warden data profile</c>: representation of sensitive groups in a CSV.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var data = new Option<FileInfo>("--data") { Description = "CSV file to profile", Required = true };
        var sensitive = new Option<string>("--sensitive") { Description = "Comma-separated sensitive columns", Required = true };
        var label = new Option<string?>("--label") { Description = "Label column (per-group base rate)" };
        var positive = new Option<string?>("--positive") { Description = "Positive label value (required with --label)" };
        var reference = new Option<string?>("--reference") { Description = "Reference shares, e.g. afam=yes:0.25,afam=no:0.75" };
        var minRows = new Option<int>("--min-rows") { Description = "Groups with fewer rows are under-represented", DefaultValueFactory = _ => 30 };
        var minShareRatio = new Option<double>("--min-share-ratio") { Description = "Flag groups whose share is below this × reference share", DefaultValueFactory = _ => 0.8 };
        var format = new Option<string>("--format") { Description = "md | json", DefaultValueFactory = _ => "md" };
        format.AcceptOnlyFromAmong("md", "json");
        var output = new Option<FileInfo?>("--out") { Description = "Write to this file instead of stdout" };

        var profile = new Command("profile", "Group counts, shares, base rates, missing values and under-representation flags")
        {
            data, sensitive, label, positive, reference, minRows, minShareRatio, format, output,
        };
        profile.SetAction(parse =>
        {
            try
            {
                var options = new DataProfileOptions
                {
                    Sensitive = FairnessCommand.SplitList(parse.GetValue(sensitive)!),
                    Label = parse.GetValue(label),
                    PositiveLabel = parse.GetValue(positive),
                    ReferenceShares = ParseReference(parse.GetValue(reference)),
                    MinRows = parse.GetValue(minRows),
                    MinShareRatio = parse.GetValue(minShareRatio),
                };
                var result = DataProfiler.Profile(CsvTable.Read(parse.GetValue(data)!.FullName), options);
                var text = parse.GetValue(format) == "json" ? result.ToJson() : result.ToMarkdown();
                DocumentOutput.Emit(text, parse.GetValue(output), () => { });
                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"warden data: {FairnessCommand.Message(ex)}");
                return 1;
            }
        });
        return new Command("data", "Training and evaluation data checks") { profile };
    }

    private static Dictionary<string, IReadOnlyDictionary<string, double>> ParseReference(string? value)
    {
        var result = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var item in FairnessCommand.SplitList(value ?? string.Empty))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            var colon = item.LastIndexOf(':');
            if (eq <= 0 || colon < eq || !double.TryParse(item[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var share))
            {
                throw new ArgumentException($"Expected feature=value:share, got '{item}'.");
            }

            var feature = item[..eq];
            if (!result.TryGetValue(feature, out var shares))
            {
                result[feature] = shares = new Dictionary<string, double>(StringComparer.Ordinal);
            }

            shares[item[(eq + 1)..colon]] = share;
        }

        return result.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, double>)kv.Value);
    }
}

using System.CommandLine;
using System.Globalization;
using Warden.Training.Tabular;

namespace Warden.Cli.Commands;

/// <summary>The options <c>warden train</c> and <c>warden mitigate</c> share to describe a CSV: label, features, sensitive columns, split, learner.</summary>
internal sealed class TabularOptions
{
    public Option<string?> Label { get; } = new("--label") { Description = "Label column of the CSV." };

    public Option<string?> Positive { get; } = new("--positive")
    {
        Description = "Positive label value, or a cut for a numeric label such as '>7.5' or '>=10'.",
    };

    public Option<string?> Features { get; } = new("--features") { Description = "Comma-separated feature columns (default: every other column)." };

    public Option<string?> Exclude { get; } = new("--exclude") { Description = "Comma-separated columns left out of the features." };

    public Option<string?> Categorical { get; } = new("--categorical")
    {
        Description = "Comma-separated columns one-hot encoded from STRING inputs even if numeric (non-numeric, non-yes/no columns are anyway).",
    };

    public Option<string?> Sensitive { get; } = new("--sensitive")
    {
        Description = "Comma-separated sensitive columns: profiled and evaluated per group, not model inputs.",
    };

    public Option<bool> SensitiveAsFeature { get; } = new("--sensitive-as-feature")
    {
        Description = "Also feed the sensitive columns to the model (off by default; the model then needs them at inference).",
    };

    public Option<string> Trainer { get; } = new("--trainer")
    {
        Description = "logistic | fasttree | lightgbm.",
        DefaultValueFactory = _ => "logistic",
    };

    public Option<FileInfo?> Test { get; } = new("--test") { Description = "Evaluate on this CSV instead of a hold-out of --data." };

    public Option<double> Holdout { get; } = new("--holdout")
    {
        Description = "Share of each label class held out for evaluation (without --test).",
        DefaultValueFactory = _ => 0.2,
    };

    public Option<string?> Name { get; } = new("--name") { Description = "Model name for the card and the ONNX metadata (default: the --out directory's parent name)." };

    public TabularOptions() => Trainer.AcceptOnlyFromAmong("logistic", "fasttree", "lightgbm");

    public IEnumerable<Option> All => [Label, Positive, Features, Exclude, Categorical, Sensitive, SensitiveAsFeature, Trainer, Test, Holdout, Name];

    /// <summary>The spec, or an exception with a one-line message when --label or --positive is missing.</summary>
    public TabularSpec Spec(ParseResult parse, int seed, DirectoryInfo output)
    {
        var label = parse.GetValue(Label) ?? throw new InvalidDataException("--label is required: name the label column of the CSV.");
        var positive = parse.GetValue(Positive) ?? throw new InvalidDataException("--positive is required: the positive label value (or a cut such as '>7.5').");
        static IReadOnlyList<string> List(string? value) => value is null ? [] : FairnessCommand.SplitList(value);
        return new TabularSpec
        {
            Label = label,
            Positive = positive,
            Features = parse.GetValue(Features) is { } f ? List(f) : null,
            Exclude = List(parse.GetValue(Exclude)),
            Categorical = List(parse.GetValue(Categorical)),
            Sensitive = List(parse.GetValue(Sensitive)),
            SensitiveAsFeature = parse.GetValue(SensitiveAsFeature),
            Trainer = parse.GetValue(Trainer) switch
            {
                "fasttree" => TabularTrainerKind.FastTree,
                "lightgbm" => TabularTrainerKind.LightGbm,
                _ => TabularTrainerKind.Logistic,
            },
            Holdout = parse.GetValue(Holdout),
            Seed = seed,
            Name = parse.GetValue(Name) ?? DefaultName(output),
        };
    }

    // samples/models/credit-risk/1 → credit-risk: a repository layout names the model by the version's parent folder.
    private static string DefaultName(DirectoryInfo output) =>
        int.TryParse(output.Name, NumberStyles.None, CultureInfo.InvariantCulture, out _) && output.Parent is { } parent ? parent.Name : output.Name;
}

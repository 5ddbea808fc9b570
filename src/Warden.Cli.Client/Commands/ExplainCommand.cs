using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Warden.Cli.Commands;

/// <summary><c>warden explain</c>: per-feature Shapley attributions of one prediction, as a table or JSON.</summary>
internal static class ExplainCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("model") { Description = "Model name" };
        var version = new Option<string?>("--version") { Description = "Model version (production by default)" };
        var input = new Option<string>("--input") { Description = "A V2 request with one row, or an object of feature values; inline JSON, @file, or @- for standard input", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the full answer as JSON" };
        var command = new Command("explain", "Explain one prediction with Shapley values") { model, version, input, json };
        command.SetAction(async (parse, ct) =>
        {
            var client = context.Client(parse);
            var name = parse.GetValue(model)!;
            var request = await PredictCommand.BuildRequestAsync(client, name, parse.GetValue(version), PredictCommand.ReadJson(context, parse.GetValue(input)!), null, ct);
            var result = await client.ExplainAsync(name, request, parse.GetValue(version), ct);
            if (parse.GetValue(json))
            {
                context.WriteJson(result);
                return 0;
            }

            var culture = CultureInfo.InvariantCulture;
            context.Console.MarkupLine(Markup.Escape(
                $"{result.Model} v{result.Version} {result.Output}: base {result.BaseValue.ToString("F4", culture)} → {result.Value.ToString("F4", culture)} ({result.Method}, additivity error {result.Additivity.AbsoluteError.ToString("G3", culture)})"));
            var table = new Table().AddColumn("feature").AddColumn("value").AddColumn(new TableColumn("φ").RightAligned());
            foreach (var a in result.Attributions)
            {
                table.AddRow(Markup.Escape(a.Feature), Markup.Escape(a.Category ?? a.Value.ToString("G6", culture)), a.Phi.ToString("+0.0000;-0.0000", culture));
            }

            context.Console.Write(table);
            return result.Additivity.Passed ? 0 : 1;
        });
        return command;
    }
}

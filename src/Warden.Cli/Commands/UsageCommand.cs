using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Warden.Cli.Commands;

/// <summary><c>warden usage [--key-id K] [--model M] [--since 24h]</c>: hourly request, error and violation counts.</summary>
internal static class UsageCommand
{
    public static Command Create(CliContext context)
    {
        var key = new Option<string?>("--key-id") { Description = "Only this API key id (--key is the API key the CLI authenticates with)" };
        var model = new Option<string?>("--model") { Description = "Only this model" };
        var since = new Option<string>("--since") { Description = "How far back: 90m, 24h, 7d", DefaultValueFactory = _ => "24h" };
        var json = CommonOptions.Json();
        var command = new Command("usage", "Show usage counts per key, model and purpose (auditor or admin key)") { key, model, since, json };
        command.SetAction(async (parse, ct) =>
        {
            var usage = await context.Client(parse).GetUsageAsync(parse.GetValue(key), parse.GetValue(model), parse.GetValue(since) ?? "24h", ct);
            if (parse.GetValue(json))
            {
                context.WriteJson(usage);
                return 0;
            }

            var table = new Table().AddColumns("Hour (UTC)", "Key", "Model", "Purpose", "Requests", "Errors", "Violations");
            foreach (var b in usage.GetProperty("buckets").EnumerateArray())
            {
                table.AddRow(
                    Markup.Escape(Text(b, "bucket")),
                    Markup.Escape(Text(b, "key")),
                    Markup.Escape(Text(b, "model")),
                    Markup.Escape(Text(b, "purpose")),
                    Text(b, "requests"),
                    Text(b, "errors"),
                    Text(b, "violations"));
            }

            var totals = usage.GetProperty("totals");
            table.AddRow("[bold]total[/]", "", "", "", Text(totals, "requests"), Text(totals, "errors"), Text(totals, "violations"));
            context.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static string Text(JsonElement element, string property) =>
        !element.TryGetProperty(property, out var value) ? "" : value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() ?? "",
            JsonValueKind.Number => value.GetInt64().ToString(CultureInfo.InvariantCulture),
            JsonValueKind.Null => "-",
            _ => value.GetRawText(),
        };
}

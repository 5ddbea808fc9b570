using System.CommandLine;
using System.Globalization;
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
            foreach (var b in usage.Buckets)
            {
                table.AddRow(
                    Markup.Escape(b.Bucket.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture)),
                    Markup.Escape(b.Key ?? "-"),
                    Markup.Escape(b.Model ?? "-"),
                    Markup.Escape(b.Purpose ?? "-"),
                    Number(b.Requests),
                    Number(b.Errors),
                    Number(b.Violations));
            }

            var totals = usage.Totals;
            table.AddRow("[bold]total[/]", "", "", "", Number(totals.Requests), Number(totals.Errors), Number(totals.Violations));
            context.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}

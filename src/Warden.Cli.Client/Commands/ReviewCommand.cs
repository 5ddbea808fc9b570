using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Warden.Cli.Commands;

/// <summary><c>warden review list|claim|decide</c>: work the human review queue.</summary>
internal static class ReviewCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("review", "Work the human review queue");
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(Claim(context));
        command.Subcommands.Add(Decide(context));
        return command;
    }

    private static Command List(CliContext context)
    {
        var model = new Option<string?>("--model") { Description = "Only this model" };
        var status = new Option<string?>("--status") { Description = "pending, decided or escalated", DefaultValueFactory = _ => "pending" };
        var mine = new Option<bool>("--mine") { Description = "Only items assigned to or claimed by this key" };
        var json = CommonOptions.Json();
        var command = new Command("list", "List review items") { model, status, mine, json };
        command.SetAction(async (parse, ct) =>
        {
            var items = await context.Client(parse).ListReviewsAsync(parse.GetValue(model), parse.GetValue(status), parse.GetValue(mine), ct);
            if (parse.GetValue(json))
            {
                context.WriteJson(items);
                return 0;
            }

            var table = new Table().AddColumns("id", "model", "prediction", "status", "score", "assigned", "deadline", "reasons");
            foreach (var item in items)
            {
                table.AddRow(
                    Markup.Escape(item.Id), Markup.Escape(item.Model + ":" + item.Version), Markup.Escape(item.PredictionId), Markup.Escape(item.Status),
                    item.Score?.ToString("F3", CultureInfo.InvariantCulture) ?? "", Markup.Escape(item.AssignedTo ?? ""),
                    item.Deadline.ToString("u", CultureInfo.InvariantCulture), Markup.Escape(string.Join("; ", item.Reasons)));
            }

            context.Console.Write(table);
            context.Console.MarkupLine($"{items.Count} item(s)");
            return 0;
        });
        return command;
    }

    private static Command Claim(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "Review item id" };
        var command = new Command("claim", "Claim a review item (lock it for yourself)") { id };
        command.SetAction(async (parse, ct) =>
        {
            var item = await context.Client(parse).ClaimReviewAsync(parse.GetValue(id)!, ct);
            context.Console.MarkupLine(Markup.Escape($"claimed {item.Id} until {item.ClaimExpires:u}"));
            if (item.Explanation is { } e)
            {
                context.Console.MarkupLine(Markup.Escape($"{e.Output}: base {e.BaseValue:F4} → {e.Value:F4}; top: " +
                    string.Join(", ", e.Attributions.Take(5).Select(a => $"{a.Feature}={a.Category ?? a.Value.ToString("G4", CultureInfo.InvariantCulture)} ({a.Phi:+0.000;-0.000})"))));
            }

            return 0;
        });
        return command;
    }

    private static Command Decide(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "Review item id" };
        var label = new Option<string>("--label") { Description = "Your label", Required = true };
        var note = new Option<string?>("--note") { Description = "Why" };
        var command = new Command("decide", "Decide a review item") { id, label, note };
        command.SetAction(async (parse, ct) =>
        {
            var item = await context.Client(parse).DecideReviewAsync(parse.GetValue(id)!, parse.GetValue(label)!, parse.GetValue(note), ct);
            context.Console.MarkupLine(Markup.Escape(item.Status == "decided"
                ? $"{item.Id} decided: {item.Label}"
                : $"{item.Id} is {item.Status} ({item.Votes?.Count ?? 0} of {item.ReviewersRequired} agreeing votes needed)"));
            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Warden.Cli.Commands;

/// <summary><c>warden retrain start|list|show|cancel</c>: retraining jobs on the server.</summary>
internal static class RetrainCommand
{
    public static Command Create(CliContext? context = null)
    {
        context ??= new CliContext();
        var retrain = new Command("retrain", "Retraining jobs: start one, list them, show one with its log, cancel one");
        retrain.Subcommands.Add(CreateStart(context));
        retrain.Subcommands.Add(CreateList(context));
        retrain.Subcommands.Add(CreateShow(context));
        retrain.Subcommands.Add(CreateCancel(context));
        return retrain;
    }

    private static Command CreateStart(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Model to retrain", Required = true };
        var data = new Option<string?>("--training-data") { Description = "Labelled CSV under an allowed data root (default: the retrain-policy's)" };
        var weight = new Option<double?>("--feedback-weight") { Description = "Weight of each labelled feedback row against a training-file row (1–1000; default 1)" };
        var wait = new Option<bool>("--wait") { Description = "Wait for the job to end and print its log" };
        var command = new Command("start", "Queue a retraining job (deployer or admin key)") { model, data, weight, wait };
        command.SetAction(async (parse, ct) =>
        {
            var client = context.Client(parse);
            var job = await client.StartRetrainAsync(parse.GetValue(model)!, parse.GetValue(data), parse.GetValue(weight), ct);
            var id = job.GetProperty("id").GetInt64();
            context.Console.WriteLine($"job {id} queued");
            if (!parse.GetValue(wait))
            {
                return 0;
            }

            while (true)
            {
                var shown = await client.GetRetrainJobAsync(id, ct);
                var status = shown.GetProperty("job").GetProperty("status").GetString();
                if (status is not ("queued" or "running"))
                {
                    Write(context, shown);
                    return status == "succeeded" ? 0 : 1;
                }

                await Task.Delay(500, ct);
            }
        });
        return command;
    }

    private static Command CreateList(CliContext context)
    {
        var model = new Option<string?>("--model") { Description = "Only this model's jobs" };
        var json = CommonOptions.Json();
        var command = new Command("list", "List retraining jobs, newest first") { model, json };
        command.SetAction(async (parse, ct) =>
        {
            var jobs = await context.Client(parse).ListRetrainJobsAsync(parse.GetValue(model), ct);
            if (parse.GetValue(json))
            {
                context.WriteJson(jobs);
                return 0;
            }

            var table = new Table().AddColumns("Id", "Model", "Trigger", "Status", "Progress", "Phase", "Created", "Version", "Error");
            foreach (var j in jobs.EnumerateArray())
            {
                table.AddRow(
                    Text(j, "id"), Markup.Escape(Text(j, "model")), Markup.Escape(Text(j, "trigger")), Markup.Escape(Text(j, "status")),
                    j.GetProperty("progress").GetDouble().ToString("0%", CultureInfo.InvariantCulture), Markup.Escape(Text(j, "phase")),
                    Markup.Escape(Text(j, "created")), Markup.Escape(Text(j, "resultVersion")), Markup.Escape(Text(j, "error")));
            }

            context.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static Command CreateShow(CliContext context)
    {
        var id = new Argument<long>("id") { Description = "Job id" };
        var json = CommonOptions.Json();
        var command = new Command("show", "Show one job with its log") { id, json };
        command.SetAction(async (parse, ct) =>
        {
            var shown = await context.Client(parse).GetRetrainJobAsync(parse.GetValue(id), ct);
            if (parse.GetValue(json))
            {
                context.WriteJson(shown);
            }
            else
            {
                Write(context, shown);
            }

            return 0;
        });
        return command;
    }

    private static Command CreateCancel(CliContext context)
    {
        var id = new Argument<long>("id") { Description = "Job id" };
        var command = new Command("cancel", "Cancel a queued or running job") { id };
        command.SetAction(async (parse, ct) =>
        {
            var job = await context.Client(parse).CancelRetrainJobAsync(parse.GetValue(id), ct);
            context.Console.WriteLine($"job {Text(job, "id")}: cancellation requested (was {Text(job, "status")})");
            return 0;
        });
        return command;
    }

    private static void Write(CliContext context, JsonElement shown)
    {
        var job = shown.GetProperty("job");
        context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"job {Text(job, "id")} of {Text(job, "model")} ({Text(job, "trigger")}): {Text(job, "status")}, {job.GetProperty("progress").GetDouble():0%} {Text(job, "phase")}"));
        if (Text(job, "resultVersion") is var version and not "-")
        {
            context.Console.WriteLine($"new staging version: {version}");
        }

        if (Text(job, "error") is var error and not "-")
        {
            context.Console.WriteLine($"error: {error}");
        }

        foreach (var line in shown.GetProperty("logs").EnumerateArray())
        {
            context.Console.WriteLine($"{Text(line, "time")}  {Text(line, "message")}");
        }
    }

    private static string Text(JsonElement element, string property) =>
        !element.TryGetProperty(property, out var value) ? "" : value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() ?? "",
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.Null => "-",
            _ => value.GetRawText(),
        };
}

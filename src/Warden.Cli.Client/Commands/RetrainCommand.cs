using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Warden.Contracts.Monitoring;

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
            var id = job.Id;
            context.Console.WriteLine($"job {id} queued");
            if (!parse.GetValue(wait))
            {
                return 0;
            }

            while (true)
            {
                var shown = await client.GetRetrainJobAsync(id, ct);
                var status = shown.Job.Status;
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
            foreach (var j in jobs)
            {
                table.AddRow(
                    j.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(j.Model), Markup.Escape(j.Trigger), Markup.Escape(j.Status),
                    j.Progress.ToString("0%", CultureInfo.InvariantCulture), Markup.Escape(j.Phase),
                    Markup.Escape(Time(j.Created)), Markup.Escape(j.ResultVersion ?? "-"), Markup.Escape(j.Error ?? "-"));
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
            context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"job {job.Id}: cancellation requested (was {job.Status})"));
            return 0;
        });
        return command;
    }

    private static void Write(CliContext context, RetrainJobDetail shown)
    {
        var job = shown.Job;
        context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"job {job.Id} of {job.Model} ({job.Trigger}): {job.Status}, {job.Progress:0%} {job.Phase}"));
        if (job.ResultVersion is { } version)
        {
            context.Console.WriteLine($"new staging version: {version}");
        }

        if (job.Error is { } error)
        {
            context.Console.WriteLine($"error: {error}");
        }

        foreach (var line in shown.Logs)
        {
            context.Console.WriteLine($"{Time(line.Time)}  {line.Message}");
        }
    }

    // As the server's JSON writes a time, so the table and the log read the same as before the client was typed.
    private static string Time(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);
}

using System.CommandLine;
using Spectre.Console;

namespace Warden.Cli.Commands;

/// <summary><c>warden audit list|verify</c>.</summary>
internal static class AuditCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("audit", "Read and verify the hash-chained audit log");

        var after = new Option<long>("--after") { Description = "Show entries after this sequence number" };
        var limit = new Option<int>("--limit") { Description = "Entries per page", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "List audit entries") { after, limit };
        list.SetAction(async (parse, ct) =>
        {
            var page = await context.Client(parse).ListAuditAsync(parse.GetValue(after), parse.GetValue(limit), ct);
            var table = new Table().AddColumns("#", "Time", "Actor", "Action", "Target", "Details", "Hash");
            foreach (var e in page.Items)
            {
                table.AddRow(e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Time.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(e.Actor), Markup.Escape(e.Action), Markup.Escape(e.Target), Markup.Escape(e.Details.GetRawText()), e.Hash[..12]);
            }

            context.Console.Write(table);
            if (page.Next is not null)
            {
                context.Console.MarkupLine($"more: --after {page.Next}");
            }

            return 0;
        });

        var verify = new Command("verify", "Verify the chain; exits 5 if any entry was edited, deleted, inserted or reordered");
        verify.SetAction(async (parse, ct) =>
        {
            var result = await context.Client(parse).VerifyAuditAsync(ct);
            if (result.Valid)
            {
                context.Console.MarkupLine($"[green]audit chain intact[/]: {result.EntriesChecked} entries verified");
                return 0;
            }

            context.Console.MarkupLine($"[red]audit chain broken[/]: {result.Problems.Count} problem(s) in {result.EntriesChecked} entries");
            foreach (var problem in result.Problems)
            {
                context.Console.MarkupLine($"  entry {problem.Sequence}: [bold]{problem.Kind}[/] — {Markup.Escape(problem.Message)}");
            }

            return 5;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(verify);
        return command;
    }
}

using System.CommandLine;
using Spectre.Console;

namespace Warden.Cli.Commands;

/// <summary><c>warden audit list|verify|checkpoint</c>.</summary>
internal static class AuditCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("audit", "Read and verify the hash-chained audit log");

        var after = new Option<long>("--after") { Description = "Show entries after this sequence number" };
        var limit = new Option<int>("--limit") { Description = "Entries per page", DefaultValueFactory = _ => 100 };
        var listJson = CommonOptions.Json();
        var list = new Command("list", "List audit entries") { after, limit, listJson };
        list.SetAction(async (parse, ct) =>
        {
            var page = await context.Client(parse).ListAuditAsync(parse.GetValue(after), parse.GetValue(limit), ct);
            if (parse.GetValue(listJson))
            {
                context.WriteJson(page);
                return 0;
            }

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

        var checkpointFile = new Option<FileInfo?>("--checkpoint") { Description = "Also check the chain against the last signed checkpoint in this file (checkpoints.jsonl)" };
        var publicKey = new Option<string?>("--public-key") { Description = "Base64 public key (SubjectPublicKeyInfo) the checkpoint must be signed with" };
        var verifyJson = CommonOptions.Json();
        var verify = new Command("verify", "Verify the chain; exits 5 if any entry was edited, deleted, inserted or reordered, or if it does not extend the checkpoint")
        {
            checkpointFile, publicKey, verifyJson,
        };
        verify.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(checkpointFile) is { } file && await VerifyCheckpointAsync(context, parse, file, parse.GetValue(publicKey), ct) != 0)
            {
                return 5;
            }

            var result = await context.Client(parse).VerifyAuditAsync(ct);
            if (parse.GetValue(verifyJson))
            {
                context.WriteJson(result);
                return result.Valid ? 0 : 5;
            }

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

        var checkpoint = new Command("checkpoint", "Sign the chain's current head (size, head hash) and append it to the server's checkpoint log");
        checkpoint.SetAction(async (parse, ct) =>
        {
            var signed = await context.Client(parse).CheckpointAuditAsync(ct);
            context.WriteRaw(System.Text.Json.JsonSerializer.Serialize(signed, Warden.Client.WardenJsonContext.Default.AuditCheckpointInfo));
            return 0;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(verify);
        command.Subcommands.Add(checkpoint);
        return command;
    }

    // Fetches every entry's sequence and hashes and checks them against the checkpoint: truncation, rollback, fork.
    private static async Task<int> VerifyCheckpointAsync(CliContext context, ParseResult parse, FileInfo file, string? publicKey, CancellationToken ct)
    {
        var checkpoint = Warden.Core.Audit.AuditCheckpointer.ReadLatest(file.FullName);
        var chain = new List<(long, string, string)>();
        long after = 0;
        while (true)
        {
            var page = await context.Client(parse).ListAuditAsync(after, 1000, ct);
            chain.AddRange(page.Items.Select(e => (e.Sequence, e.Hash, e.PreviousHash)));
            if (page.Next is null || page.Items.Count == 0)
            {
                break;
            }

            after = page.Items[^1].Sequence;
        }

        var problems = Warden.Core.Audit.AuditCheckpointVerifier.Verify(checkpoint, chain, publicKey);
        if (problems.Count == 0)
        {
            context.Console.MarkupLine($"[green]checkpoint holds[/]: the chain extends the signed head at entry {checkpoint.Size}");
            return 0;
        }

        context.Console.MarkupLine($"[red]checkpoint broken[/]: {problems.Count} problem(s) against the checkpoint at entry {checkpoint.Size}");
        foreach (var problem in problems)
        {
            context.Console.MarkupLine("  " + Markup.Escape(problem));
        }

        return 5;
    }
}

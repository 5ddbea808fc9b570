using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden privacy keys</c> (auditor or admin): configured payload keys and stored rows per key;
/// <c>warden privacy reencrypt</c> (admin): re-writes every stored payload under the active key.
/// </summary>
internal static class PrivacyCommand
{
    public static Command Create(CliContext context)
    {
        var json = CommonOptions.Json();
        var keys = new Command("keys", "Show the payload encryption keys and how many stored rows are under each") { json };
        keys.SetAction(async (parse, ct) =>
        {
            var info = await context.Client(parse).GetPrivacyKeysAsync(ct);
            if (parse.GetValue(json))
            {
                context.WriteJson(info);
                return 0;
            }

            context.Console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"encryption: {(info.Encryption ? "on, active key " + (info.ActiveKeyId?.ToString(CultureInfo.InvariantCulture) ?? "-") : "off")}; keys: [{string.Join(",", info.KeyIds)}]; hash key: {(info.HashKeyConfigured ? "set" : "not set")}; PII redaction: {(info.RedactPii ? "on" : "off")}")));
            var table = new Table().AddColumns("Table", "Key", "Rows", "Readable", "Current");
            foreach (var row in info.Rows)
            {
                table.AddRow(
                    Markup.Escape(row.Table ?? "-"),
                    row.KeyId is { } id ? id.ToString(CultureInfo.InvariantCulture) : "plaintext",
                    row.Rows.ToString(CultureInfo.InvariantCulture),
                    row.Readable ? "yes" : "[red]no[/]",
                    row.Current ? "yes" : "no");
            }

            context.Console.Write(table);
            return 0;
        });

        var reencrypt = new Command("reencrypt", "Re-encrypt every stored payload that is not under the active key (admin key; audited)");
        reencrypt.SetAction(async (parse, ct) =>
        {
            var result = await context.Client(parse).ReencryptPayloadsAsync(ct);
            var remaining = result.Remaining.Sum(r => r.Rows);
            context.Console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"re-encrypted {result.Predictions} predictions and {result.ReviewItems} review items under key {result.ActiveKeyId} in {result.Batches} batches; {remaining} rows not under it")));
            return remaining == 0 ? 0 : 2;
        });

        return new Command("privacy", "Payload encryption keys and re-encryption (see docs/privacy.md)") { keys, reencrypt };
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
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
                $"encryption: {(info.GetProperty("encryption").GetBoolean() ? "on, active key " + Text(info.GetProperty("activeKeyId")) : "off")}; keys: {Text(info.GetProperty("keyIds"))}; hash key: {(info.GetProperty("hashKeyConfigured").GetBoolean() ? "set" : "not set")}; PII redaction: {(info.GetProperty("redactPii").GetBoolean() ? "on" : "off")}")));
            var table = new Table().AddColumns("Table", "Key", "Rows", "Readable", "Current");
            foreach (var row in info.GetProperty("rows").EnumerateArray())
            {
                table.AddRow(
                    Markup.Escape(Text(row.GetProperty("table"))),
                    Markup.Escape(row.GetProperty("keyId").ValueKind == JsonValueKind.Null ? "plaintext" : Text(row.GetProperty("keyId"))),
                    Text(row.GetProperty("rows")),
                    row.GetProperty("readable").GetBoolean() ? "yes" : "[red]no[/]",
                    row.GetProperty("current").GetBoolean() ? "yes" : "no");
            }

            context.Console.Write(table);
            return 0;
        });

        var reencrypt = new Command("reencrypt", "Re-encrypt every stored payload that is not under the active key (admin key; audited)");
        reencrypt.SetAction(async (parse, ct) =>
        {
            var result = await context.Client(parse).ReencryptPayloadsAsync(ct);
            var remaining = result.GetProperty("remaining").EnumerateArray().Sum(r => r.GetProperty("rows").GetInt64());
            context.Console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"re-encrypted {Text(result.GetProperty("predictions"))} predictions and {Text(result.GetProperty("reviewItems"))} review items under key {Text(result.GetProperty("activeKeyId"))} in {Text(result.GetProperty("batches"))} batches; {remaining} rows not under it")));
            return remaining == 0 ? 0 : 2;
        });

        return new Command("privacy", "Payload encryption keys and re-encryption (see docs/privacy.md)") { keys, reencrypt };
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null => "-",
        _ => value.GetRawText(),
    };
}

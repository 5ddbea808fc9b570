using System.CommandLine;
using Spectre.Console;
using Warden.Contracts.Admin;

namespace Warden.Cli.Commands;

/// <summary><c>warden keys create|list|revoke</c>.</summary>
internal static class KeysCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("keys", "Manage API keys (admin)");

        var name = new Option<string>("--name") { Description = "Who or what uses the key", Required = true };
        var role = new Option<string>("--role") { Description = "admin, deployer, reviewer, auditor or consumer", Required = true };
        var models = new Option<string[]>("--models") { Description = "Models a consumer key may use (comma or space separated)", AllowMultipleArgumentsPerToken = true };
        var expires = new Option<DateTimeOffset?>("--expires") { Description = "Expiry time (ISO 8601)" };
        var create = new Command("create", "Create a key; its secret is printed once") { name, role, models, expires };
        create.SetAction(async (parse, ct) =>
        {
            var scoped = (parse.GetValue(models) ?? []).SelectMany(m => m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var created = await context.Client(parse).CreateKeyAsync(
                new CreateKeyRequest { Name = parse.GetValue(name)!, Role = parse.GetValue(role)!, Models = scoped, ExpiresAt = parse.GetValue(expires) }, ct);
            context.Console.MarkupLine($"created key [bold]{created.Info.Id}[/] ({Markup.Escape(created.Info.Role)}); the secret is shown only now:");
            context.Console.WriteLine(created.Secret);
            return 0;
        });

        var json = CommonOptions.Json();
        var list = new Command("list", "List keys (never their secrets)") { json };
        list.SetAction(async (parse, ct) =>
        {
            var keys = await context.Client(parse).ListKeysAsync(ct);
            if (parse.GetValue(json))
            {
                context.WriteJson(keys);
                return 0;
            }

            var table = new Table().AddColumns("Id", "Name", "Role", "Models", "Created", "Expires", "Revoked");
            foreach (var k in keys)
            {
                table.AddRow(k.Id, Markup.Escape(k.Name), k.Role, Markup.Escape(string.Join(",", k.Models)), Time(k.CreatedAt), Time(k.ExpiresAt), Time(k.RevokedAt));
            }

            context.Console.Write(table);
            return 0;
        });

        var id = new Argument<string>("id") { Description = "Key id" };
        var revoke = new Command("revoke", "Revoke a key; effective on its next request") { id };
        revoke.SetAction(async (parse, ct) =>
        {
            await context.Client(parse).RevokeKeyAsync(parse.GetValue(id)!, ct);
            context.Console.MarkupLine($"revoked {Markup.Escape(parse.GetValue(id)!)}");
            return 0;
        });

        command.Subcommands.Add(create);
        command.Subcommands.Add(list);
        command.Subcommands.Add(revoke);
        return command;
    }

    private static string Time(DateTimeOffset? time) => time?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "";
}

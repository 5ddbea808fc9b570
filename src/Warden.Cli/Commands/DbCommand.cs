using System.CommandLine;
using System.Data.Common;
using Spectre.Console;
using Warden.Storage.PostgreSql;

namespace Warden.Cli.Commands;

/// <summary><c>warden db migrate</c>: upgrades the PostgreSQL schema, the deliberate step before rolling out a new server.</summary>
internal static class DbCommand
{
    /// <summary>Where the connection string comes from when <c>--connection</c> is not given (the server reads the same setting).</summary>
    public const string ConnectionVariable = "ConnectionStrings__Warden";

    public static Command Create(CliContext context)
    {
        var command = new Command("db", "Manage the PostgreSQL database of a scale-out deployment");
        var connection = new Option<string?>("--connection")
        {
            Description = $"Npgsql connection string (default: the {ConnectionVariable} environment variable)",
        };

        var migrate = new Command("migrate", "Apply the schema migrations the database lacks") { connection };
        migrate.SetAction(async (parse, ct) =>
        {
            await using var database = new PostgresDatabase(ConnectionString(parse.GetValue(connection)));
            try
            {
                var before = await PostgresMigrations.CurrentVersionAsync(database, ct);
                var applied = await PostgresMigrations.MigrateAsync(database, ct);
                context.Console.WriteLine(applied.Count == 0
                    ? $"schema is up to date (version {before})"
                    : $"schema migrated from version {before} to {applied[^1]} ({applied.Count} migration(s) applied)");
                return 0;
            }
            catch (DbException ex)
            {
                throw new CliException("database error: " + ex.Message);
            }
        });

        command.Subcommands.Add(migrate);
        return command;
    }

    private static string ConnectionString(string? given)
    {
        var value = string.IsNullOrWhiteSpace(given) ? Environment.GetEnvironmentVariable(ConnectionVariable) : given;
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new CliException($"no connection string: pass --connection or set {ConnectionVariable}");
        }

        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException ex)
        {
            throw new CliException("invalid connection string: " + ex.Message);
        }

        return value;
    }
}

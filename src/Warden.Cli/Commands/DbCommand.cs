using System.CommandLine;
using System.Data.Common;
using Spectre.Console;
using Warden.Core.Registry;
using Warden.Core.Storage.Sql;
using Warden.Storage.Sqlite;
using Warden.Storage.PostgreSql;

namespace Warden.Cli.Commands;

/// <summary>
/// <c>warden db migrate</c>: upgrades the PostgreSQL schema, the deliberate step before rolling out a new server.
/// <c>warden db copy --from sqlite:DIR --to postgresql:CONNSTR</c>: moves a single node's store into a new PostgreSQL database.
/// </summary>
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
        command.Subcommands.Add(CreateCopy(context));
        return command;
    }

    private static Command CreateCopy(CliContext context)
    {
        var from = new Option<string>("--from")
        {
            Description = "sqlite:PATH — the data directory of a single node (or its warden.db); stop that server first",
            Required = true,
        };
        var to = new Option<string>("--to")
        {
            Description = "postgresql:CONNECTION-STRING — an empty database (migrated here when it has no schema yet)",
            Required = true,
        };
        var copy = new Command("copy", "Copy every shared store (registry and model files, keys, audit chain, predictions, feedback, settings, usage, audits, alerts, profiles, retraining jobs) from SQLite into PostgreSQL") { from, to };
        copy.SetAction(async (parse, ct) =>
        {
            var (dataDir, file) = SqliteSource(parse.GetValue(from)!);
            var target = PostgresTarget(parse.GetValue(to)!);
            await using var postgres = new PostgresDatabase(target);
            try
            {
                await PostgresMigrations.MigrateAsync(postgres, ct);
                var sqlite = new SqliteDatabase(file);
                var store = new SqlStoreCopy(sqlite, postgres);
                var blobs = await store.CopyBlobsAsync(new ModelBlobStore(dataDir), new PostgresModelBlobStore(postgres), ct);
                var tables = await store.CopyAsync(ct);
                foreach (var (table, rows) in tables)
                {
                    context.Console.WriteLine($"{table}: {rows} row(s)");
                }

                context.Console.WriteLine($"copied {tables.Sum(t => t.Rows)} row(s) and {blobs} model file(s) from {file} to PostgreSQL");
                return 0;
            }
            catch (InvalidOperationException ex)
            {
                throw new CliException(ex.Message);
            }
            catch (Exception ex) when (ex is DbException or IOException or InvalidDataException)
            {
                throw new CliException("copy failed, nothing was committed to PostgreSQL's tables: " + ex.Message);
            }
        });
        return copy;
    }

    private static (string DataDir, string File) SqliteSource(string value)
    {
        const string Scheme = "sqlite:";
        if (!value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || value.Length == Scheme.Length)
        {
            throw new CliException($"--from must be sqlite:PATH (a data directory or its warden.db), not '{value}'");
        }

        var path = Path.GetFullPath(value[Scheme.Length..]);
        var file = Directory.Exists(path) ? Path.Combine(path, "warden.db") : path;
        if (!File.Exists(file))
        {
            throw new CliException($"no SQLite store at {file}");
        }

        return (Path.GetDirectoryName(file)!, file);
    }

    private static string PostgresTarget(string value)
    {
        const string Scheme = "postgresql:";
        if (!value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException($"--to must be postgresql:CONNECTION-STRING, not '{value.Split(';')[0]}…'");
        }

        return ConnectionString(value[Scheme.Length..]);
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

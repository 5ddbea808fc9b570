using Microsoft.Extensions.Hosting;

namespace Warden.Storage.PostgreSql;

/// <summary>
/// Runs before anything reads the store: a database on an older schema stops the server with a message naming
/// <c>warden db migrate</c>, unless migrating at start was asked for (<c>Warden:Database:MigrateAtStart</c>).
/// </summary>
public sealed class PostgresSchemaCheck(PostgresDatabase database, bool migrateAtStart) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (migrateAtStart)
        {
            await PostgresMigrations.MigrateAsync(database, cancellationToken).ConfigureAwait(false);
            return;
        }

        var current = await PostgresMigrations.CurrentVersionAsync(database, cancellationToken).ConfigureAwait(false);
        if (current < PostgresMigrations.Latest)
        {
            throw new InvalidOperationException(
                $"the PostgreSQL database is at schema version {current}, this server needs version {PostgresMigrations.Latest}: " +
                "run `warden db migrate` (or start with Warden:Database:MigrateAtStart=true)");
        }

        if (current > PostgresMigrations.Latest)
        {
            throw new InvalidOperationException(
                $"the PostgreSQL database is at schema version {current}, newer than this server's {PostgresMigrations.Latest}: upgrade the server");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

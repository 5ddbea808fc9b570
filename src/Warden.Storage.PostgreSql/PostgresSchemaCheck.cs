using System.Data.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Warden.Storage.PostgreSql;

/// <summary>
/// Runs before anything reads the store: a database on an older schema stops the server with a message naming
/// <c>warden db migrate</c>, unless migrating at start was asked for (<c>Warden:Database:MigrateAtStart</c>). A database
/// that cannot be reached yet (replicas and database started together, a restart, a saturated host) is waited for, up to
/// <see cref="StartupWait"/>, before the start fails.
/// </summary>
public sealed partial class PostgresSchemaCheck(PostgresDatabase database, bool migrateAtStart, ILogger<PostgresSchemaCheck>? logger = null) : IHostedService
{
    /// <summary>How long start-up waits for an unreachable database.</summary>
    public static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(90);

    private readonly ILogger _logger = logger ?? NullLogger<PostgresSchemaCheck>.Instance;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CheckAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (DbException ex) when (ex.IsTransient && TimeProvider.System.GetElapsedTime(started) < StartupWait)
            {
                LogWaiting(attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task CheckAsync(CancellationToken cancellationToken)
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

    [LoggerMessage(1, LogLevel.Warning, "PostgreSQL is not reachable yet (attempt {Attempt}: {Reason}); waiting for it before starting")]
    private partial void LogWaiting(int attempt, string reason);
}

using Warden.Storage.PostgreSql;

namespace Warden.Storage.Tests.PostgreSql;

public sealed class PostgresMigrationsTests : IAsyncLifetime
{
    private readonly PostgresBackend _backend = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => new(_backend.CreateEmptyAsync());

    public ValueTask DisposeAsync() => _backend.DisposeAsync();

    [Fact]
    public async Task A_server_on_an_unmigrated_database_refuses_to_start_naming_the_command()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new PostgresSchemaCheck(_backend.Database, migrateAtStart: false).StartAsync(Ct));
        Assert.Contains("warden db migrate", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await PostgresMigrations.CurrentVersionAsync(_backend.Database, Ct));
    }

    [Fact]
    public async Task Replicas_migrating_at_start_together_apply_each_migration_once()
    {
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => new PostgresSchemaCheck(_backend.Database, migrateAtStart: true).StartAsync(Ct)));
        Assert.Equal(PostgresMigrations.Latest, await PostgresMigrations.CurrentVersionAsync(_backend.Database, Ct));
        Assert.Empty(await PostgresMigrations.MigrateAsync(_backend.Database, Ct));
        await new PostgresSchemaCheck(_backend.Database, migrateAtStart: false).StartAsync(Ct);
    }
}

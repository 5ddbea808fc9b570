using Npgsql;

namespace Warden.Server.Tests.Database;

/// <summary>
/// A fresh database on the CI PostgreSQL (<c>WARDEN_TEST_POSTGRES</c>), dropped on dispose. Skips the test without the
/// variable, except under CI=true, where that is a failure (<c>.ci/run</c> provides PostgreSQL).
/// </summary>
internal sealed class TestPostgresDatabase : IAsyncDisposable
{
    private readonly string _admin;

    private TestPostgresDatabase(string admin, string name)
    {
        _admin = admin;
        Name = name;
    }

    public string Name { get; }

    /// <summary>The server's connection string as given (host, port, credentials).</summary>
    public NpgsqlConnectionStringBuilder Server => new(_admin);

    /// <summary>A connection string for this database.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(_admin) { Database = Name }.ConnectionString;

    public static async Task<TestPostgresDatabase> CreateAsync(string prefix)
    {
        var admin = Environment.GetEnvironmentVariable("WARDEN_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(admin))
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail("WARDEN_TEST_POSTGRES is not set; .ci/run provides PostgreSQL");
            }

            Assert.Skip("WARDEN_TEST_POSTGRES is not set");
        }

        var database = new TestPostgresDatabase(admin!, prefix + "_" + Guid.NewGuid().ToString("N")[..10]);
        await database.ExecuteAsync($"CREATE DATABASE \"{database.Name}\"");
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
        }
        catch (NpgsqlException)
        {
            // A leftover test database is harmless; CI machines are fresh.
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

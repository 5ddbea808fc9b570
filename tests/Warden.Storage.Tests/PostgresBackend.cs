using Warden.Core.Storage.Sql;
using Npgsql;
using Warden.Core.Retraining;
using Warden.Core.Storage;
using Warden.Storage.PostgreSql;

namespace Warden.Storage.Tests;

/// <summary>
/// A private schema in the database named by <c>WARDEN_TEST_POSTGRES</c> (an Npgsql connection string), migrated from
/// scratch and dropped afterwards, so tests run in parallel without seeing each other's rows. Without the variable the
/// test is skipped, except under CI (<c>CI=true</c>), where a missing database is a failure.
/// </summary>
public sealed class PostgresBackend : StorageBackend
{
    /// <summary>The environment variable holding the connection string.</summary>
    public const string Variable = "WARDEN_TEST_POSTGRES";

    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N");
    private string? _adminConnectionString;
    private PostgresDatabase? _database;

    /// <summary>The database, for tests that need the provider's own API (migrations).</summary>
    public PostgresDatabase Database => _database ?? throw new InvalidOperationException("not initialised");

    public override SqlDatabase Shared => Database;

    /// <summary>The connection string of the private schema.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The connection string from the environment, or a skip (a failure under CI) when absent.</summary>
    public static string RequireConnectionString()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{Variable} is not set; CI must provide a PostgreSQL database (see .ci/run)");
        }

        Assert.Skip($"PostgreSQL not configured: set {Variable} to an Npgsql connection string");
        return "";
    }

    public override async Task InitializeAsync()
    {
        await CreateEmptyAsync();
        await PostgresMigrations.MigrateAsync(Database, TestContext.Current.CancellationToken);
    }

    /// <summary>Creates the private schema without migrating it.</summary>
    public async Task CreateEmptyAsync()
    {
        _adminConnectionString = RequireConnectionString();
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {_schema}", connection);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { SearchPath = _schema }.ConnectionString;
        _database = new PostgresDatabase(ConnectionString);
    }

    public override IModelStore Models() => new SqlModelStore(Database);

    public override IModelBlobStore Blobs() => new PostgresModelBlobStore(Database);

    public override IKeyStore Keys() => new SqlKeyStore(Database);

    public override IAuditStore Audit() => new SqlAuditStore(Database);

    public override IPredictionStore Predictions() => new SqlPredictionStore(Database);

    public override IFeedbackStore Feedback() => new SqlFeedbackStore(Database);

    public override ISettingsStore Settings() => new SqlSettingsStore(Database);

    public override IUsageStore Usage() => new SqlUsageStore(Database);

    public override IFairnessAuditStore FairnessAudits() => new SqlFairnessAuditStore(Database);

    public override IAbuseAlertStore AbuseAlerts() => new SqlAbuseAlertStore(Database);

    public override IDriftHistoryStore DriftHistory() => new SqlDriftHistoryStore(Database);

    public override IReferenceProfileStore ReferenceProfiles() => new SqlReferenceProfileStore(Database);

    public override IRetrainJobStore RetrainJobs() => new SqlRetrainJobStore(Database);

    public override async Task CorruptBlobAsync(string sha)
    {
        await using var connection = await Database.OpenAsync();
        await using var command = new NpgsqlCommand(
            "UPDATE model_blobs SET data = overlay(data placing '\\xff'::bytea from 1 for 1) WHERE sha256 = @sha AND chunk = 0", connection);
        command.Parameters.AddWithValue("sha", sha);
        await command.ExecuteNonQueryAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        if (_adminConnectionString is not null)
        {
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

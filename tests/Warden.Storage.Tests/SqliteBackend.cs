using Warden.Core.Storage.Sql;
using Microsoft.Data.Sqlite;
using Warden.Core.Registry;
using Warden.Core.Retraining;
using Warden.Core.Storage;
using Warden.Storage.Sqlite;

namespace Warden.Storage.Tests;

/// <summary>The embedded store in a temporary directory.</summary>
public sealed class SqliteBackend : StorageBackend
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-storage-" + Guid.NewGuid().ToString("N"));
    private SqliteDatabase? _database;

    private SqliteDatabase Database => _database ?? throw new InvalidOperationException("not initialised");

    public override Task InitializeAsync()
    {
        _database = new SqliteDatabase(Path.Combine(_dir, "warden.db"));
        return Task.CompletedTask;
    }

    public override SqlDatabase Shared => Database;

    public override IModelStore Models() => new SqlModelStore(Database);

    public override IModelBlobStore Blobs() => new ModelBlobStore(_dir);

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
        var path = Path.Combine(_dir, "blobs", sha + ".onnx");
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[0] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes);
    }

    public override ValueTask DisposeAsync()
    {
        _database?.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, true);
        }

        return ValueTask.CompletedTask;
    }
}

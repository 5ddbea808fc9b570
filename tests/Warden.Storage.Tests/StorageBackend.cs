using Warden.Core.Retraining;
using Warden.Core.Storage;
using Warden.Core.Storage.Sql;

namespace Warden.Storage.Tests;

/// <summary>A fresh, empty database of one backend, and the stores over it. Each contract test class runs once per backend.</summary>
public abstract class StorageBackend : IAsyncDisposable
{
    /// <summary>Creates the empty database (skips the test when the backend is not available here).</summary>
    public abstract Task InitializeAsync();

    /// <summary>The database itself, for the stores that take it directly (review queue, edge fleet, re-encryption).</summary>
    public abstract SqlDatabase Shared { get; }

    public abstract IModelStore Models();

    public abstract IModelBlobStore Blobs();

    public abstract IKeyStore Keys();

    /// <summary>An audit store; each call is a separate instance, as another replica sharing the database would have.</summary>
    public abstract IAuditStore Audit();

    public abstract IPredictionStore Predictions();

    public abstract IFeedbackStore Feedback();

    public abstract ISettingsStore Settings();

    public abstract IUsageStore Usage();

    public abstract IFairnessAuditStore FairnessAudits();

    public abstract IAbuseAlertStore AbuseAlerts();

    public abstract IDriftHistoryStore DriftHistory();

    public abstract IReferenceProfileStore ReferenceProfiles();

    public abstract IRetrainJobStore RetrainJobs();

    /// <summary>Changes one stored byte of a blob behind the store's back.</summary>
    public abstract Task CorruptBlobAsync(string sha);

    public abstract ValueTask DisposeAsync();
}

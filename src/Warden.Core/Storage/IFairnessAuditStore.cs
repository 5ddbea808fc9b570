using Warden.Core.Monitoring;

namespace Warden.Core.Storage;

/// <summary>Persistence of fairness audits over live traffic.</summary>
public interface IFairnessAuditStore
{
    /// <summary>Stores an audit and returns it with its id.</summary>
    Task<FairnessAuditRecord> AddAsync(FairnessAuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>Audits of a model, newest first.</summary>
    Task<IReadOnlyList<FairnessAuditRecord>> ListAsync(string model, int limit, CancellationToken cancellationToken = default);

    /// <summary>One audit, or null.</summary>
    Task<FairnessAuditRecord?> GetAsync(string model, long id, CancellationToken cancellationToken = default);

    /// <summary>The newest audit of one version (audits of all versions excluded), or null.</summary>
    Task<FairnessAuditRecord?> LatestAsync(string model, string version, string? trigger = null, CancellationToken cancellationToken = default);
}

using Warden.Core.Monitoring;

namespace Warden.Core.Storage;

/// <summary>Persistence of per-version reference profiles for drift monitoring.</summary>
public interface IReferenceProfileStore
{
    /// <summary>Stores (or replaces) the reference of a version.</summary>
    Task PutAsync(ReferenceSnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>The reference of a version, or null.</summary>
    Task<ReferenceSnapshot?> GetAsync(string model, string version, CancellationToken cancellationToken = default);
}

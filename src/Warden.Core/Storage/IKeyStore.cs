using Warden.Core.Access;

namespace Warden.Core.Storage;

/// <summary>Persistence of API keys.</summary>
public interface IKeyStore
{
    /// <summary>Adds a key.</summary>
    Task AddAsync(ApiKeyRecord key, CancellationToken cancellationToken = default);

    /// <summary>Finds a key by the hash of its secret.</summary>
    Task<ApiKeyRecord?> FindByHashAsync(string secretHash, CancellationToken cancellationToken = default);

    /// <summary>Finds a key by id.</summary>
    Task<ApiKeyRecord?> FindByIdAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>All keys, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Marks a key revoked (final: a suspension mark is dropped); false when it does not exist.</summary>
    Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Stops an active key until reinstated (revoked and marked suspended); false when unknown or already stopped.</summary>
    Task<bool> SuspendAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Makes a suspended key active again; false when unknown or not suspended (a revoked key stays revoked).</summary>
    Task<bool> ReinstateAsync(string id, CancellationToken cancellationToken = default);
}

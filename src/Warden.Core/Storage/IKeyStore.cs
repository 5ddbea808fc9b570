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

    /// <summary>Marks a key revoked; false when it does not exist.</summary>
    Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);
}

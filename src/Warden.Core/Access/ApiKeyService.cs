using System.Collections.Concurrent;
using Warden.Core.Audit;
using Warden.Core.Storage;

namespace Warden.Core.Access;

/// <summary>
/// Creates, lists, revokes and authenticates API keys. Lookups are cached for a few seconds so authentication costs two
/// dictionary reads (the secret's hash is remembered too); revocation through this service drops the cache entry at once, and expiry is checked against
/// the clock on every request.
/// </summary>
public sealed class ApiKeyService(IKeyStore store, AuditLog audit, TimeProvider time)
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);
    private const int MaxCachedEntries = 100_000;
    private readonly ConcurrentDictionary<string, CachedKey> _cache = new(StringComparer.Ordinal);

    // Secret → its hash, for secrets of stored keys, so a request does not pay a SHA-256. A hash never changes, so this
    // cannot keep a revoked key working: the lookup above still decides, and revocation drops the key's entry here too.
    private readonly ConcurrentDictionary<string, string> _hashes = new(StringComparer.Ordinal);

    // Bumped by every change to a stored key. A lookup that overlapped a change does not cache what it read: it may be the
    // record from before a revocation, and caching it would keep a revoked key working for the cache lifetime.
    private long _changes;

    /// <summary>Raised after a key is created or revoked through this instance, so that other replicas can be told to forget their cached lookups.</summary>
    public event EventHandler? Changed;

    /// <summary>Raised with the key id after a suspended key is reinstated through this instance.</summary>
    public event EventHandler<string>? Reinstated;

    /// <summary>Creates a key and returns it with its secret (shown once).</summary>
    public Task<(ApiKeyRecord Record, string Secret)> CreateAsync(
        string actor, string name, string role, IReadOnlyList<string> models, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default) =>
        CreateAsync(actor, name, role, models, expiresAt, ApiKeyGrant.None, cancellationToken);

    /// <summary>Creates a key with purposes and limits and returns it with its secret (shown once).</summary>
    public async Task<(ApiKeyRecord Record, string Secret)> CreateAsync(
        string actor, string name, string role, IReadOnlyList<string> models, DateTimeOffset? expiresAt, ApiKeyGrant grant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grant);
        if (!WardenRoles.IsValid(role))
        {
            throw new ArgumentException($"unknown role '{role}'; roles are {string.Join(", ", WardenRoles.All)}", nameof(role));
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("a key needs a name", nameof(name));
        }

        var secret = ApiKeySecrets.NewSecret();
        var record = await AddAsync(actor, name, role, models, expiresAt, secret, grant, cancellationToken).ConfigureAwait(false);
        return (record, secret);
    }

    /// <summary>Registers a caller-chosen secret (the bootstrap admin key from configuration). Idempotent.</summary>
    public async Task<ApiKeyRecord> EnsureAsync(string name, string role, string secret, CancellationToken cancellationToken = default)
    {
        var existing = await store.FindByHashAsync(ApiKeySecrets.Hash(secret), cancellationToken).ConfigureAwait(false);
        return existing ?? await AddAsync("system", name, role, [], null, secret, ApiKeyGrant.None, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>All keys.</summary>
    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default) => store.ListAsync(cancellationToken);

    /// <summary>Revokes a key; false when unknown. Takes effect on the key's next request.</summary>
    public async Task<bool> RevokeAsync(string actor, string id, CancellationToken cancellationToken = default)
    {
        var key = await store.FindByIdAsync(id, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            return false;
        }

        await store.RevokeAsync(id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        Forget(key);
        await audit.AppendAsync(actor, "key.revoke", id, new { key.Name, key.Role }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Suspends an active key (the abuse monitor does): it stops working at once, like a revoked key, but an admin can
    /// reinstate it. False when the key is unknown or already stopped.
    /// </summary>
    public async Task<bool> SuspendAsync(string actor, string id, object reason, CancellationToken cancellationToken = default)
    {
        var key = await store.FindByIdAsync(id, cancellationToken).ConfigureAwait(false);
        if (key is null || !await store.SuspendAsync(id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        Forget(key);
        await audit.AppendAsync(actor, "key.suspend", id, new { key.Name, key.Role, reason }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Makes a suspended key work again (on every replica: the change is announced like a revocation) and records who and why
    /// in the audit chain. Throws 404 for an unknown key and 409 for a key that is not suspended (revocation is final).
    /// </summary>
    public async Task<ApiKeyRecord> ReinstateAsync(string actor, string id, string? reason, CancellationToken cancellationToken = default)
    {
        var key = await store.FindByIdAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw WardenException.NotFound($"key '{id}' is not found");
        if (!await store.ReinstateAsync(id, cancellationToken).ConfigureAwait(false))
        {
            throw new WardenException(409, key.RevokedAt is null
                ? $"key '{id}' is not suspended"
                : $"key '{id}' was revoked, not suspended; revocation is final (create a new key)");
        }

        Forget(key);
        await audit.AppendAsync(actor, "key.reinstate", id, new { key.Name, key.Role, suspendedAt = key.SuspendedAt, reason }, cancellationToken).ConfigureAwait(false);
        Reinstated?.Invoke(this, id);
        return key with { RevokedAt = null, SuspendedAt = null };
    }

    /// <summary>The stored key with <paramref name="id"/>, or null.</summary>
    public Task<ApiKeyRecord?> FindAsync(string id, CancellationToken cancellationToken = default) => store.FindByIdAsync(id, cancellationToken);

    /// <summary>Drops every cached lookup (another replica changed a key), so the next request of each key reads the store.</summary>
    public void ForgetCachedKeys()
    {
        Interlocked.Increment(ref _changes);
        _cache.Clear();
    }

    /// <summary>The active key for <paramref name="secret"/>, or null when unknown, revoked or expired.</summary>
    public async ValueTask<ApiKeyRecord?> AuthenticateAsync(string secret, CancellationToken cancellationToken = default)
    {
        if (secret.Length is < 8 or > 256)
        {
            return null;
        }

        var known = _hashes.TryGetValue(secret, out var hash);
        hash ??= ApiKeySecrets.Hash(secret);
        var now = time.GetUtcNow();
        if (!_cache.TryGetValue(hash, out var cached) || now - cached.LoadedAt > CacheLifetime)
        {
            var changesBefore = Interlocked.Read(ref _changes);
            var record = await store.FindByHashAsync(hash, cancellationToken).ConfigureAwait(false);
            if (_cache.Count >= MaxCachedEntries)
            {
                // Unknown secrets are cached too (so guessing cannot hammer the store); bound the cache instead of letting it grow.
                _cache.Clear();
            }

            cached = new CachedKey(record, now);
            _cache[hash] = cached;
            if (Interlocked.Read(ref _changes) != changesBefore)
            {
                // Checked after the write: a revocation that bumps the counter later also removes this entry itself.
                _cache.TryRemove(KeyValuePair.Create(hash, cached));
            }
        }

        if (!known && cached.Record is not null)
        {
            if (_hashes.Count >= MaxCachedEntries)
            {
                _hashes.Clear();
            }

            _hashes[secret] = hash;
        }

        return cached.Record is not null && cached.Record.IsActive(now) ? cached.Record : null;
    }

    private async Task<ApiKeyRecord> AddAsync(
        string actor, string name, string role, IReadOnlyList<string> models, DateTimeOffset? expiresAt, string secret, ApiKeyGrant grant, CancellationToken cancellationToken)
    {
        var record = new ApiKeyRecord(ApiKeySecrets.NewId(), name.Trim(), role, models.ToArray(), ApiKeySecrets.Hash(secret), time.GetUtcNow(), expiresAt, null)
        {
            Purposes = grant.Purposes.ToArray(),
            DefaultPurpose = grant.DefaultPurpose,
            Limits = grant.Limits is { IsEmpty: false } ? grant.Limits : null,
        };
        await store.AddAsync(record, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _changes);
        _cache.TryRemove(record.SecretHash, out _);
        Changed?.Invoke(this, EventArgs.Empty);
        await audit.AppendAsync(actor, "key.create", record.Id, new { record.Name, record.Role, record.Models, record.ExpiresAt, record.Purposes, record.DefaultPurpose, record.Limits }, cancellationToken).ConfigureAwait(false);
        return record;
    }

    // This process's cached lookup goes at once; Changed tells the other replicas to drop theirs.
    private void Forget(ApiKeyRecord key)
    {
        Interlocked.Increment(ref _changes);
        _cache.TryRemove(key.SecretHash, out _);
        foreach (var (secret, hash) in _hashes)
        {
            if (hash == key.SecretHash)
            {
                _hashes.TryRemove(secret, out _);
            }
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    private sealed record CachedKey(ApiKeyRecord? Record, DateTimeOffset LoadedAt);
}

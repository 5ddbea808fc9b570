using Warden.Core.Storage.Sql;
using Microsoft.Extensions.Time.Testing;
using Warden.Core.Access;
using Warden.Core.Audit;
using Warden.Core.Storage;
using Warden.Storage.Sqlite;

namespace Warden.Core.Tests.Access;

public sealed class ApiKeyServiceTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-keys-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ApiKeyService _keys;
    private readonly SqlKeyStore _store;

    public ApiKeyServiceTests()
    {
        var db = new SqliteDatabase(Path.Combine(_dir, "k.db"));
        _store = new SqlKeyStore(db);
        _keys = new ApiKeyService(_store, new AuditLog(new SqlAuditStore(db), _clock), _clock);
    }

    [Fact]
    public async Task Secrets_have_256_bits_and_only_their_hash_is_stored()
    {
        var (record, secret) = await _keys.CreateAsync("a", "svc", WardenRoles.Consumer, ["credit-risk"], null, TestContext.Current.CancellationToken);
        Assert.StartsWith(ApiKeySecrets.Prefix, secret, StringComparison.Ordinal);
        Assert.Equal(43, secret.Length - ApiKeySecrets.Prefix.Length); // 32 bytes in unpadded base64url
        var stored = await _store.FindByIdAsync(record.Id, TestContext.Current.CancellationToken);
        Assert.NotNull(stored);
        Assert.DoesNotContain(secret, stored!.SecretHash, StringComparison.Ordinal);
        Assert.Equal(ApiKeySecrets.Hash(secret), stored.SecretHash);
    }

    [Fact]
    public async Task Revocation_takes_effect_on_the_next_authentication()
    {
        var (record, secret) = await _keys.CreateAsync("a", "svc", WardenRoles.Consumer, [], null, TestContext.Current.CancellationToken);
        Assert.NotNull(await _keys.AuthenticateAsync(secret, TestContext.Current.CancellationToken));
        await _keys.RevokeAsync("a", record.Id, TestContext.Current.CancellationToken);
        Assert.Null(await _keys.AuthenticateAsync(secret, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_suspended_key_used_many_times_before_is_refused_at_once_and_works_again_when_reinstated()
    {
        var (record, secret) = await _keys.CreateAsync("a", "svc", WardenRoles.Consumer, [], null, TestContext.Current.CancellationToken);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(record.Id, (await _keys.AuthenticateAsync(secret, TestContext.Current.CancellationToken))?.Id);
        }

        Assert.True(await _keys.SuspendAsync("a", record.Id, new { why = "test" }, TestContext.Current.CancellationToken));
        Assert.Null(await _keys.AuthenticateAsync(secret, TestContext.Current.CancellationToken));
        await _keys.ReinstateAsync("a", record.Id, null, TestContext.Current.CancellationToken);
        Assert.Equal(record.Id, (await _keys.AuthenticateAsync(secret, TestContext.Current.CancellationToken))?.Id);
    }

    [Fact]
    public async Task A_lookup_that_overlaps_a_revocation_does_not_cache_the_active_record()
    {
        var gated = new GatedKeyStore(_store);
        var keys = new ApiKeyService(gated, new AuditLog(new SqlAuditStore(new SqliteDatabase(Path.Combine(_dir, "a.db"))), _clock), _clock);
        var (record, secret) = await keys.CreateAsync("a", "svc", WardenRoles.Consumer, [], null, TestContext.Current.CancellationToken);

        // The lookup reads the still-active record, then stalls while the revocation completes.
        gated.HoldNextLookup();
        var overlapping = keys.AuthenticateAsync(secret, TestContext.Current.CancellationToken).AsTask();
        await gated.LookupRead.WaitAsync(TestContext.Current.CancellationToken);
        Assert.True(await keys.RevokeAsync("a", record.Id, TestContext.Current.CancellationToken));
        gated.Release();
        await overlapping;

        Assert.Null(await keys.AuthenticateAsync(secret, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Expiry_takes_effect_without_a_cache_refresh()
    {
        var (_, secret) = await _keys.CreateAsync("a", "svc", WardenRoles.Auditor, [], _clock.GetUtcNow().AddMinutes(1), TestContext.Current.CancellationToken);
        Assert.NotNull(await _keys.AuthenticateAsync(secret, TestContext.Current.CancellationToken));
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Null(await _keys.AuthenticateAsync(secret, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Unknown_secret_and_unknown_role_are_refused()
    {
        Assert.Null(await _keys.AuthenticateAsync("wdn_not-a-real-key-at-all", TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => _keys.CreateAsync("a", "x", "superuser", [], null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Consumers_see_only_their_models_and_other_roles_see_all()
    {
        var consumer = new ApiKeyRecord("k", "n", WardenRoles.Consumer, ["a"], "h", DateTimeOffset.UnixEpoch, null, null);
        Assert.True(consumer.CanUseModel("a"));
        Assert.False(consumer.CanUseModel("b"));
        Assert.True((consumer with { Role = WardenRoles.Deployer, Models = [] }).CanUseModel("b"));
        Assert.True((consumer with { Models = ["*"] }).CanUseModel("b"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    private sealed class GatedKeyStore(IKeyStore inner) : IKeyStore
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _hold;

        public SemaphoreSlim LookupRead { get; } = new(0);

        public void HoldNextLookup() => Volatile.Write(ref _hold, 1);

        public void Release() => _released.TrySetResult();

        public Task AddAsync(ApiKeyRecord key, CancellationToken cancellationToken = default) => inner.AddAsync(key, cancellationToken);

        public async Task<ApiKeyRecord?> FindByHashAsync(string secretHash, CancellationToken cancellationToken = default)
        {
            var record = await inner.FindByHashAsync(secretHash, cancellationToken);
            if (Interlocked.Exchange(ref _hold, 0) == 1)
            {
                LookupRead.Release();
                await _released.Task.WaitAsync(cancellationToken);
            }

            return record;
        }

        public Task<ApiKeyRecord?> FindByIdAsync(string id, CancellationToken cancellationToken = default) => inner.FindByIdAsync(id, cancellationToken);

        public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);

        public Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) => inner.RevokeAsync(id, at, cancellationToken);

        public Task<bool> SuspendAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) => inner.SuspendAsync(id, at, cancellationToken);

        public Task<bool> ReinstateAsync(string id, CancellationToken cancellationToken = default) => inner.ReinstateAsync(id, cancellationToken);
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Warden.Contracts.Admin;
using Warden.Core.Access;
using Warden.Core.Storage;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Admin;

/// <summary>
/// The authentication result of a key is reused between its requests; every change to the key must still decide the very
/// next request, as the lookup by the secret's hash does.
/// </summary>
public sealed class KeyChangesOnNextRequestTests
{
    [Fact]
    public async Task A_suspended_key_is_refused_on_its_next_request_and_accepted_again_once_reinstated()
    {
        using var factory = new WardenFactory();
        var (id, client) = await ConsumerAsync(factory, expiresAt: null);
        Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);

        var keys = factory.Services.GetRequiredService<ApiKeyService>();
        Assert.True(await keys.SuspendAsync("test", id, "probe"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);

        await keys.ReinstateAsync("test", id, "cleared");
        Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
    }

    [Fact]
    public async Task A_key_is_refused_on_its_first_request_after_it_expires()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        using var factory = new WardenFactory { Time = time };
        var (_, client) = await ConsumerAsync(factory, expiresAt: time.GetUtcNow().AddSeconds(3));
        Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);

        // Within the lookup cache's lifetime (5 s): expiry is checked against the clock on every request, not when cached.
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
    }

    [Fact]
    public async Task A_role_or_scope_changed_by_another_replica_decides_the_next_request_once_announced()
    {
        var store = new EditedKeys();
        using var factory = new WardenFactory { ExtraServices = services => store.Decorate(services) };
        var (id, client) = await ConsumerAsync(factory, expiresAt: null);
        Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
        var keys = factory.Services.GetRequiredService<ApiKeyService>();

        // Another replica made the key an auditor and announced it (what the change feed calls).
        store.Edits[id] = key => key with { Role = WardenRoles.Auditor };
        keys.ForgetCachedKeys();
        Assert.Equal(HttpStatusCode.Forbidden, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);

        // Back to consumer, but scoped to another model: the model is hidden from it.
        store.Edits[id] = key => key with { Models = ["another-model"] };
        keys.ForgetCachedKeys();
        Assert.Equal(HttpStatusCode.NotFound, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);

        store.Edits.TryRemove(id, out _);
        keys.ForgetCachedKeys();
        Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
    }

    private static async Task<(string Id, HttpClient Client)> ConsumerAsync(WardenFactory factory, DateTimeOffset? expiresAt)
    {
        var response = await factory.Admin().PostAsJsonAsync("/api/keys",
            new CreateKeyRequest { Name = "next-request", Role = WardenRoles.Consumer, Models = ["credit-risk"], ExpiresAt = expiresAt });
        response.EnsureSuccessStatusCode();
        var created = (await response.Content.ReadFromJsonAsync<CreatedKey>())!;
        return (created.Info.Id, factory.Authorized(created.Secret));
    }

    /// <summary>The server's key store, with edits applied to what it reads (a stand-in for a change made elsewhere).</summary>
    private sealed class EditedKeys
    {
        private IKeyStore? _inner;

        public ConcurrentDictionary<string, Func<ApiKeyRecord, ApiKeyRecord>> Edits { get; } = new(StringComparer.Ordinal);

        public void Decorate(IServiceCollection services)
        {
            var registered = services.Last(d => d.ServiceType == typeof(IKeyStore));
            services.Remove(registered);
            services.AddSingleton<IKeyStore>(provider =>
            {
                _inner = registered.ImplementationFactory is { } create
                    ? (IKeyStore)create(provider)
                    : (IKeyStore)ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!);
                return new Store(this);
            });
        }

        private ApiKeyRecord? Edit(ApiKeyRecord? key) => key is not null && Edits.TryGetValue(key.Id, out var edit) ? edit(key) : key;

        private sealed class Store(EditedKeys owner) : IKeyStore
        {
            private IKeyStore Inner => owner._inner!;

            public Task AddAsync(ApiKeyRecord key, CancellationToken cancellationToken = default) => Inner.AddAsync(key, cancellationToken);

            public async Task<ApiKeyRecord?> FindByHashAsync(string secretHash, CancellationToken cancellationToken = default) =>
                owner.Edit(await Inner.FindByHashAsync(secretHash, cancellationToken));

            public async Task<ApiKeyRecord?> FindByIdAsync(string id, CancellationToken cancellationToken = default) =>
                owner.Edit(await Inner.FindByIdAsync(id, cancellationToken));

            public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default) => Inner.ListAsync(cancellationToken);

            public Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) => Inner.RevokeAsync(id, at, cancellationToken);

            public Task<bool> SuspendAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) => Inner.SuspendAsync(id, at, cancellationToken);

            public Task<bool> ReinstateAsync(string id, CancellationToken cancellationToken = default) => Inner.ReinstateAsync(id, cancellationToken);
        }
    }
}

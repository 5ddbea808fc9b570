using Warden.Core.Access;

namespace Warden.Storage.Tests.Contracts;

public abstract class KeyStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : StorageBackend, new()
{
    private static ApiKeyRecord Key(string id, DateTimeOffset created) =>
        new(id, "name " + id, "predict", ["credit-risk"], "hash-" + id, created, created.AddDays(30), null)
        {
            Purposes = ["scoring"],
            DefaultPurpose = "scoring",
        };

    [Fact]
    public async Task Keys_are_found_by_hash_and_id_and_listed_oldest_first()
    {
        var store = Backend.Keys();
        await store.AddAsync(Key("k2", T0.AddMinutes(1)), Ct);
        await store.AddAsync(Key("k1", T0), Ct);

        var found = await store.FindByHashAsync("hash-k1", Ct);
        Assert.NotNull(found);
        Assert.Equal("k1", found.Id);
        Assert.Equal(["credit-risk"], found.Models);
        Assert.Equal(["scoring"], found.Purposes);
        Assert.Equal(T0.AddDays(30), found.ExpiresAt);
        Assert.Equal("k2", (await store.FindByIdAsync("k2", Ct))?.Id);
        Assert.Null(await store.FindByIdAsync("nope", Ct));
        Assert.Equal(["k1", "k2"], (await store.ListAsync(Ct)).Select(k => k.Id));
    }

    [Fact]
    public async Task Revoking_keeps_the_first_revocation_time_and_reports_unknown_keys()
    {
        var store = Backend.Keys();
        await store.AddAsync(Key("k1", T0), Ct);
        Assert.True(await store.RevokeAsync("k1", T0.AddHours(1), Ct));
        Assert.True(await store.RevokeAsync("k1", T0.AddHours(2), Ct));
        Assert.False(await store.RevokeAsync("nope", T0, Ct));
        Assert.Equal(T0.AddHours(1), (await store.FindByIdAsync("k1", Ct))?.RevokedAt);
    }

    [Fact]
    public async Task A_suspended_key_can_be_reinstated_once_and_a_revoked_one_never()
    {
        var store = Backend.Keys();
        await store.AddAsync(Key("k1", T0), Ct);
        await store.AddAsync(Key("k2", T0), Ct);

        Assert.True(await store.SuspendAsync("k1", T0.AddHours(1), Ct));
        Assert.False(await store.SuspendAsync("k1", T0.AddHours(2), Ct));
        Assert.False(await store.SuspendAsync("nope", T0, Ct));
        var suspended = await store.FindByIdAsync("k1", Ct);
        Assert.Equal(T0.AddHours(1), suspended?.SuspendedAt);
        Assert.Equal(T0.AddHours(1), suspended?.RevokedAt);
        Assert.False(suspended!.IsActive(T0.AddHours(1)));

        Assert.True(await store.ReinstateAsync("k1", Ct));
        Assert.False(await store.ReinstateAsync("k1", Ct));
        var reinstated = await store.FindByIdAsync("k1", Ct);
        Assert.Null(reinstated?.SuspendedAt);
        Assert.True(reinstated!.IsActive(T0.AddHours(3)));

        // Revoking a suspended key makes it final.
        Assert.True(await store.SuspendAsync("k2", T0.AddHours(1), Ct));
        Assert.True(await store.RevokeAsync("k2", T0.AddHours(2), Ct));
        Assert.False(await store.ReinstateAsync("k2", Ct));
        var revoked = await store.FindByIdAsync("k2", Ct);
        Assert.Null(revoked?.SuspendedAt);
        Assert.Equal(T0.AddHours(1), revoked?.RevokedAt);
        Assert.False(await store.SuspendAsync("k2", T0.AddHours(3), Ct));
    }

    [Fact]
    public async Task A_second_key_with_the_same_secret_hash_is_refused()
    {
        var store = Backend.Keys();
        await store.AddAsync(Key("k1", T0), Ct);
        await Assert.ThrowsAnyAsync<Exception>(() => store.AddAsync(Key("k1", T0) with { Id = "k9" }, Ct));
    }
}

using Warden.Core.Drift;
using Warden.Core.Monitoring;

namespace Warden.Storage.Tests.Contracts;

public abstract class ReferenceProfileStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : StorageBackend, new()
{
    [Fact]
    public async Task A_reference_is_replaced_per_version_and_round_trips()
    {
        var profile = ReferenceProfile.Build(new ColumnSet().Add("x", [1.0, 2.0, 3.0]).Add("c", ["red", "blue", null]));
        var store = Backend.ReferenceProfiles();
        await store.PutAsync(new ReferenceSnapshot("a", "1", profile, [0.1, 0.9], [false, true], "training", "key_a", T0), Ct);
        await store.PutAsync(new ReferenceSnapshot("a", "1", profile, null, null, "traffic", "key_b", T0.AddHours(1)), Ct);

        var got = await store.GetAsync("a", "1", Ct);
        Assert.NotNull(got);
        Assert.Equal(("traffic", "key_b", T0.AddHours(1), 3L), (got.Source, got.Actor, got.Time, got.Profile.RowCount));
        Assert.Null(got.Scores);
        Assert.Equal(profile.ToJson(), got.Profile.ToJson());
        Assert.Null(await store.GetAsync("a", "2", Ct));
    }
}

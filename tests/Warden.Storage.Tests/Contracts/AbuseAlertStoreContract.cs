using Warden.Core.Abuse;

namespace Warden.Storage.Tests.Contracts;

public abstract class AbuseAlertStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : StorageBackend, new()
{
    [Fact]
    public async Task Alerts_filter_by_time_model_and_key_newest_first()
    {
        var store = Backend.AbuseAlerts();
        await store.AppendAsync(new ModelAbuseAlert("a", new AbuseAlert("k1", AbuseAlertKind.Extraction, 0.8, 0.9, 120, T0, "prada"), true), Ct);
        await store.AppendAsync(new ModelAbuseAlert("a", new AbuseAlert("k2", AbuseAlertKind.VolumeSpike, 12, 5, 900, T0.AddMinutes(5), "spike"), false), Ct);
        await store.AppendAsync(new ModelAbuseAlert("b", new AbuseAlert("k1", AbuseAlertKind.Extraction, 0.7, 0.9, 80, T0.AddMinutes(9), "prada"), false), Ct);

        Assert.Equal(["b", "a", "a"], (await store.QueryAsync(null, null, null, 10, Ct)).Select(a => a.Model));
        var k1a = Assert.Single(await store.QueryAsync(null, "a", "k1", 10, Ct));
        Assert.Equal(new ModelAbuseAlert("a", new AbuseAlert("k1", AbuseAlertKind.Extraction, 0.8, 0.9, 120, T0, "prada"), true), k1a);
        Assert.Equal(2, (await store.QueryAsync(T0.AddMinutes(1), null, null, 10, Ct)).Count);
        Assert.Single(await store.QueryAsync(null, null, null, 1, Ct));
    }
}

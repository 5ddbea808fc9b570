namespace Warden.Storage.Tests.Contracts;

public abstract class SettingsStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : StorageBackend, new()
{
    [Fact]
    public async Task Versions_number_from_one_per_model_and_kind_and_the_latest_is_listed()
    {
        var store = Backend.Settings();
        Assert.Equal(1, (await store.AppendAsync("a", "fairness", "{\"v\":1}", "key_a", T0, Ct)).Version);
        Assert.Equal(2, (await store.AppendAsync("a", "fairness", "{\"v\":2}", "key_a", T0, Ct)).Version);
        Assert.Equal(1, (await store.AppendAsync("a", "drift", "{}", "key_a", T0, Ct)).Version);

        var latest = (await store.ListLatestAsync(Ct)).OrderBy(s => s.Kind, StringComparer.Ordinal).ToList();
        Assert.Equal([("drift", 1), ("fairness", 2)], latest.Select(s => (s.Kind, s.Version)));
        Assert.Equal("{\"v\":2}", latest[1].Json);
        Assert.Equal([1, 2], (await store.ListVersionsAsync("a", "fairness", Ct)).Select(s => s.Version));
    }

    [Fact]
    public async Task Replicas_saving_at_once_get_distinct_versions()
    {
        var versions = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => Backend.Settings().AppendAsync("a", "fairness", $"{{\"i\":{i}}}", "key_a", T0, Ct), Ct)));
        Assert.Equal(Enumerable.Range(1, 8), versions.Select(v => v.Version).Order());
    }
}

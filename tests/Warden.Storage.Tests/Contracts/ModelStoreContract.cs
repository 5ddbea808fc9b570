using Warden.Core.Registry;

namespace Warden.Storage.Tests.Contracts;

public abstract class ModelStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : StorageBackend, new()
{
    private static ModelVersionRecord Version(string model, string version, string stage = ModelStages.Staging) =>
        new(model, version, new string('a', 64), 123, stage, "key_admin", T0, "{}", "{\"card\":1}");

    [Fact]
    public async Task Versions_list_by_model_then_numeric_version()
    {
        var store = Backend.Models();
        foreach (var (model, version) in new[] { ("b", "1"), ("a", "10"), ("a", "2") })
        {
            await store.AddVersionAsync(Version(model, version), Ct);
        }

        var listed = await store.ListVersionsAsync(Ct);
        Assert.Equal(["a/2", "a/10", "b/1"], listed.Select(v => v.Model + "/" + v.Version));
        Assert.Equal(Version("a", "2"), listed[0]);
    }

    [Fact]
    public async Task Adding_an_existing_version_fails()
    {
        var store = Backend.Models();
        await store.AddVersionAsync(Version("a", "1"), Ct);
        await Assert.ThrowsAnyAsync<Exception>(() => store.AddVersionAsync(Version("a", "1"), Ct));
    }

    [Fact]
    public async Task Stages_change_together_and_production_history_is_newest_first()
    {
        var store = Backend.Models();
        await store.AddVersionAsync(Version("a", "1"), Ct);
        await store.AddVersionAsync(Version("a", "2"), Ct);
        await store.SetStagesAsync("a", new Dictionary<string, string> { ["1"] = ModelStages.Production }, Ct);
        await store.SetStagesAsync("a", new Dictionary<string, string> { ["1"] = ModelStages.Archived, ["2"] = ModelStages.Production }, Ct);

        Assert.Equal([ModelStages.Archived, ModelStages.Production], (await store.ListVersionsAsync(Ct)).Select(v => v.Stage));
        Assert.Equal(["2", "1"], await store.GetProductionHistoryAsync("a", Ct));
    }
}

using Warden.Core.Monitoring;

namespace Warden.Storage.Tests.Contracts;

public abstract class FairnessAuditStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : StorageBackend, new()
{
    [Fact]
    public async Task Audits_get_ids_and_the_latest_of_a_version_and_trigger_is_found()
    {
        var store = Backend.FairnessAudits();
        var first = await store.AddAsync(new FairnessAuditRecord(0, "a", "1", T0, "system", "scheduled", 100, true, [], "{\"r\":1}"), Ct);
        var second = await store.AddAsync(new FairnessAuditRecord(0, "a", "1", T0.AddHours(1), "key_a", "manual", 50, false, ["dp"], "{\"r\":2}"), Ct);
        await store.AddAsync(new FairnessAuditRecord(0, "a", null, T0, "key_a", "manual", 10, null, [], "{}"), Ct);

        Assert.True(second.Id > first.Id);
        Assert.Equal(second, await store.LatestAsync("a", "1", cancellationToken: Ct) is { } latest ? latest with { Failures = second.Failures } : null);
        Assert.Equal(["dp"], (await store.LatestAsync("a", "1", cancellationToken: Ct))!.Failures);
        Assert.Equal(first.Id, (await store.LatestAsync("a", "1", "scheduled", Ct))?.Id);
        Assert.Null((await store.ListAsync("a", 10, Ct))[0].Passed);
        Assert.Equal(3, (await store.ListAsync("a", 10, Ct)).Count);
        Assert.Equal("{\"r\":1}", (await store.GetAsync("a", first.Id, Ct))?.ReportJson);
        Assert.Null(await store.GetAsync("b", first.Id, Ct));
    }
}

using Warden.Core.Audit;

namespace Warden.Storage.Tests.Contracts;

public abstract class AuditStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : StorageBackend, new()
{
    [Fact]
    public async Task Empty_chain_has_no_head_and_the_first_entry_links_to_genesis()
    {
        Assert.Null(await Backend.Audit().GetLastAsync(Ct));
        var entry = await new AuditLog(Backend.Audit(), TimeProvider.System).AppendAsync("key_a", "model.deploy", "credit-risk:1", new { n = 1 }, Ct);
        Assert.Equal(1, entry.Sequence);
        Assert.Equal(AuditHasher.Genesis, entry.PreviousHash);
        Assert.Equal(entry, await Backend.Audit().GetLastAsync(Ct));
    }

    [Fact]
    public async Task Appends_from_several_replicas_at_once_form_one_verifiable_chain()
    {
        // Each AuditLog has its own store instance, as separate server processes sharing the database would.
        var replicas = Enumerable.Range(0, 3).Select(_ => new AuditLog(Backend.Audit(), TimeProvider.System)).ToList();
        await Task.WhenAll(replicas.Select((log, r) => Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++)
            {
                await log.AppendAsync("key_" + r, "key.create", $"k{r}-{i}", new { i }, Ct);
            }
        }, Ct)));

        var entries = await Backend.Audit().ListAsync(0, 1000, Ct);
        Assert.Equal(Enumerable.Range(1, 45).Select(i => (long)i), entries.Select(e => e.Sequence));
        Assert.True(AuditChainVerifier.Verify(entries).Valid);
    }

    [Fact]
    public async Task List_pages_in_sequence_order()
    {
        var log = new AuditLog(Backend.Audit(), TimeProvider.System);
        for (var i = 0; i < 5; i++)
        {
            await log.AppendAsync("a", "x", "t" + i, null, Ct);
        }

        var page = await Backend.Audit().ListAsync(2, 2, Ct);
        Assert.Equal([3L, 4L], page.Select(e => e.Sequence));
        Assert.Equal("t2", page[0].Target);
    }
}

using Warden.Core.Storage.Sql;
using Microsoft.Extensions.Time.Testing;
using Warden.Core.Audit;
using Warden.Storage.Sqlite;

namespace Warden.Core.Tests.Audit;

public sealed class AuditChainVerifierTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-audit-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Intact_chain_verifies()
    {
        var entries = await ChainAsync(5);
        var result = AuditChainVerifier.Verify(entries);
        Assert.True(result.Valid);
        Assert.Equal(5, result.EntriesChecked);
        Assert.Equal(AuditHasher.Genesis, entries[0].PreviousHash);
        Assert.All(entries.Skip(1), (e, i) => Assert.Equal(entries[i].Hash, e.PreviousHash));
    }

    [Fact]
    public async Task Edited_entry_is_reported_as_edited()
    {
        var entries = (await ChainAsync(5)).ToList();
        entries[2] = entries[2] with { Target = "credit-risk:999" };
        var problem = Assert.Single(AuditChainVerifier.Verify(entries).Problems);
        Assert.Equal(("edited", 3L), (problem.Kind, problem.Sequence));
    }

    [Fact]
    public async Task Edited_details_are_reported_even_when_only_whitespace_differs_semantically_not()
    {
        var entries = (await ChainAsync(3)).ToList();
        entries[1] = entries[1] with { DetailsJson = "{\"n\":2,\"extra\":true}" };
        Assert.Equal("edited", Assert.Single(AuditChainVerifier.Verify(entries).Problems).Kind);
    }

    [Fact]
    public async Task Deleted_entry_leaves_a_gap_reported_as_deleted()
    {
        var entries = (await ChainAsync(5)).ToList();
        entries.RemoveAt(2);
        var problem = Assert.Single(AuditChainVerifier.Verify(entries).Problems);
        Assert.Equal(("deleted", 4L), (problem.Kind, problem.Sequence));
        Assert.Contains("3..3", problem.Message);
    }

    [Fact]
    public async Task Deleted_and_renumbered_entry_is_reported_as_deleted()
    {
        var entries = (await ChainAsync(5)).ToList();
        entries.RemoveAt(2);
        for (var i = 2; i < entries.Count; i++)
        {
            entries[i] = entries[i] with { Sequence = i + 1 };
        }

        var problem = Assert.Single(AuditChainVerifier.Verify(entries).Problems);
        Assert.Equal(("deleted", 3L), (problem.Kind, problem.Sequence));
    }

    [Fact]
    public async Task Inserted_entry_with_a_forged_hash_is_reported_as_inserted()
    {
        var entries = (await ChainAsync(5)).ToList();
        var anchor = entries[1];
        var time = anchor.Time.AddSeconds(1);
        var forged = new AuditEntry(3, time, "key_attacker", "key.create", "key_evil", "{}", anchor.Hash,
            AuditHasher.Compute(anchor.Hash, time, "key_attacker", "key.create", "key_evil", "{}"));
        entries.Insert(2, forged);
        for (var i = 3; i < entries.Count; i++)
        {
            entries[i] = entries[i] with { Sequence = i + 1 };
        }

        var problem = Assert.Single(AuditChainVerifier.Verify(entries).Problems);
        Assert.Equal(("inserted", 3L), (problem.Kind, problem.Sequence));
    }

    [Fact]
    public async Task Swapped_entries_are_reported_as_reordered()
    {
        var entries = (await ChainAsync(5)).ToList();
        (entries[1], entries[2]) = (entries[2] with { Sequence = 2 }, entries[1] with { Sequence = 3 });
        var problems = AuditChainVerifier.Verify(entries).Problems;
        Assert.Equal("reordered", problems[0].Kind);
        Assert.Equal(2, problems[0].Sequence);
    }

    [Fact]
    public async Task Audit_log_continues_the_chain_after_a_restart()
    {
        var db = new SqliteDatabase(Path.Combine(_dir, "a.db"));
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await new AuditLog(new SqlAuditStore(db), clock).AppendAsync("a", "x", "t", new { n = 1 }, TestContext.Current.CancellationToken);
        var second = new AuditLog(new SqlAuditStore(db), clock);
        var entry = await second.AppendAsync("a", "y", "t", new { n = 2 }, TestContext.Current.CancellationToken);
        Assert.Equal(2, entry.Sequence);
        Assert.True((await second.VerifyAsync(TestContext.Current.CancellationToken)).Valid);
    }

    [Fact]
    public void Canonical_json_sorts_keys_so_equal_documents_hash_equally()
    {
        Assert.Equal(CanonicalJson.Serialize(System.Text.Json.JsonDocument.Parse("{\"b\":1,\"a\":{\"d\":2,\"c\":[3]}}").RootElement),
            CanonicalJson.Serialize(System.Text.Json.JsonDocument.Parse("{ \"a\": {\"c\":[3], \"d\":2}, \"b\": 1 }").RootElement));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, true);
        }
    }

    private async Task<IReadOnlyList<AuditEntry>> ChainAsync(int count)
    {
        var store = new SqlAuditStore(new SqliteDatabase(Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".db")));
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var log = new AuditLog(store, clock);
        for (var i = 1; i <= count; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await log.AppendAsync("key_admin", "model.deploy", $"credit-risk:{i}", new { n = i }, TestContext.Current.CancellationToken);
        }

        return await store.ListAsync(0, 100, TestContext.Current.CancellationToken);
    }
}

using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Warden.Core;
using Warden.Core.Audit;
using Warden.Core.Storage;

namespace Warden.Core.Tests.Audit;

public sealed class AuditCheckpointVerifierTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-checkpoints", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_chain_that_extends_the_checkpoint_passes_and_truncation_rollback_fork_and_forgery_are_named()
    {
        var chain = Chain(5);
        var checkpoint = await CheckpointAsync(chain.Take(4).ToList());
        var longer = chain.Select(e => (e.Sequence, e.Hash, e.PreviousHash)).ToList();

        Assert.Empty(AuditCheckpointVerifier.Verify(checkpoint, longer, checkpoint.PublicKey));
        Assert.Contains("truncated or rolled back", Assert.Single(AuditCheckpointVerifier.Verify(checkpoint, longer.Take(3).ToList())), StringComparison.Ordinal);
        var forked = Chain(5, actor: "someone-else").Select(e => (e.Sequence, e.Hash, e.PreviousHash)).ToList();
        Assert.StartsWith("fork", Assert.Single(AuditCheckpointVerifier.Verify(checkpoint, forked)), StringComparison.Ordinal);
        var forged = checkpoint with { Size = 5, HeadHash = chain[4].Hash };
        Assert.Contains("signature is not valid", Assert.Single(AuditCheckpointVerifier.Verify(forged, longer)), StringComparison.Ordinal);
        var otherKey = (await CheckpointAsync(chain.Take(4).ToList(), "other")).PublicKey;
        Assert.Contains("pinned", Assert.Single(AuditCheckpointVerifier.Verify(checkpoint, longer, otherKey)), StringComparison.Ordinal);
    }

    private async Task<AuditCheckpoint> CheckpointAsync(List<AuditEntry> entries, string keyName = "key")
    {
        var options = Options.Create(new AuditCheckpointOptions { CheckpointDirectory = _dir });
        Directory.CreateDirectory(_dir);
        var warden = Options.Create(new WardenOptions { DataDir = Path.Combine(_dir, keyName) });
        Directory.CreateDirectory(warden.Value.DataDir);
        var checkpointer = new AuditCheckpointer(new FixedStore(entries), options, warden, new FakeTimeProvider());
        var made = await checkpointer.CheckpointAsync(TestContext.Current.CancellationToken);
        Assert.Equal(made, AuditCheckpointer.ReadLatest(checkpointer.LogPath));
        return made;
    }

    private static List<AuditEntry> Chain(int count, string actor = "admin")
    {
        var entries = new List<AuditEntry>();
        var previous = AuditHasher.Genesis;
        var time = new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);
        for (var i = 1; i <= count; i++)
        {
            var hash = AuditHasher.Compute(previous, time, actor, "key.create", "k" + i, "{}");
            entries.Add(new AuditEntry(i, time, actor, "key.create", "k" + i, "{}", previous, hash));
            previous = hash;
        }

        return entries;
    }

    private sealed class FixedStore(List<AuditEntry> entries) : IAuditStore
    {
        public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AuditEntry> AppendNextAsync(Func<AuditEntry?, AuditEntry> next, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AuditEntry?> GetLastAsync(CancellationToken cancellationToken = default) => Task.FromResult(entries.LastOrDefault());

        public Task<IReadOnlyList<AuditEntry>> ListAsync(long after, int limit, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<AuditEntry>>(entries.Where(e => e.Sequence > after).Take(limit).ToList());
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Warden.Core;
using Warden.Core.Predictions;
using Warden.Core.Storage;

namespace Warden.Core.Tests.Predictions;

/// <summary>
/// The log writer against a store whose commits return before they are durable (SQLite's pipelined sync): requests are
/// released only by their commit's durability, and the writer keeps at most two batches in flight.
/// </summary>
public sealed class PredictionLogWriterPipelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    private static Task Bounded(Task task) => task.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    private static PredictionRecord Record(string id) => new(id, T0, "m", "1", "key_a", null, [], [], null, 1.0);

    // Runs a writer over a DeferredSyncStore; afterwards every durability is released so the writer can drain and stop.
    private static async Task WithWriter(Func<PredictionLog, DeferredSyncStore, Task> scenario)
    {
        var store = new DeferredSyncStore();
        var log = new PredictionLog(Options.Create(new PredictionLogOptions { Durability = PredictionDurability.Acknowledged, CommitIntervalMs = 0 }));
        var writer = new PredictionLogWriter(log, store, NullLogger<PredictionLogWriter>.Instance);
        await writer.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            await scenario(log, store);
        }
        finally
        {
            store.ReleaseAll();
            await writer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public Task The_writer_commits_the_next_batch_while_the_previous_one_is_synced_and_answers_each_only_when_durable() => WithWriter(async (log, store) =>
    {
        Assert.True(log.TryEnqueue(Record("a"), out var first));
        await Until(() => store.Commits == 1);
        Assert.True(log.TryEnqueue(Record("b"), out var second));

        // The second batch commits while the first is still being synced; neither request is answered yet.
        await Until(() => store.Commits == 2);
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        store.Durable(0).SetResult();
        await Bounded(log.WaitForCommitAsync(first));
        Assert.False(second.IsCompleted);

        store.Durable(1).SetResult();
        await Bounded(log.WaitForCommitAsync(second));
    });

    [Fact]
    public Task No_third_batch_is_committed_until_the_first_is_durable() => WithWriter(async (log, store) =>
    {
        Assert.True(log.TryEnqueue(Record("a"), out _));
        await Until(() => store.Commits == 1);
        Assert.True(log.TryEnqueue(Record("b"), out _));
        await Until(() => store.Commits == 2);
        Assert.True(log.TryEnqueue(Record("c"), out var third));

        // Given time, the writer still holds the third batch back (a busy machine only makes this easier to pass).
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal(2, store.Commits);

        store.Durable(0).SetResult();
        await Until(() => store.Commits == 3);
        store.ReleaseAll();
        await Bounded(log.WaitForCommitAsync(third));
    });

    [Fact]
    public Task A_commit_that_cannot_be_made_durable_answers_503_and_the_writer_goes_on() => WithWriter(async (log, store) =>
    {
        Assert.True(log.TryEnqueue(Record("a"), out var first));
        await Until(() => store.Commits == 1);
        store.Durable(0).SetException(new IOException("fsync failed"));
        var refused = await Assert.ThrowsAsync<WardenException>(() => Bounded(log.WaitForCommitAsync(first)));
        Assert.Equal(503, refused.StatusCode);
        Assert.Contains("fsync failed", log.DurabilityProblem);

        Assert.True(log.TryEnqueue(Record("b"), out var second));
        await Until(() => store.Commits == 2);
        store.Durable(1).SetResult();
        await Bounded(log.WaitForCommitAsync(second));

        // A store that makes commits durable again (unlike SQLite after a failed fsync) is reported healthy again.
        await Until(() => log.DurabilityProblem is null);
    });

    /// <summary>Commits at once; each commit's durability is a task the test completes.</summary>
    private sealed class DeferredSyncStore : IPredictionStore
    {
        private readonly List<TaskCompletionSource> _durable = [];

        public int Commits
        {
            get
            {
                lock (_durable)
                {
                    return _durable.Count;
                }
            }
        }

        public TaskCompletionSource Durable(int commit)
        {
            lock (_durable)
            {
                return _durable[commit];
            }
        }

        public void ReleaseAll()
        {
            lock (_durable)
            {
                foreach (var durable in _durable)
                {
                    durable.TrySetResult();
                }
            }
        }

        public Task<Task> CommitBatchAsync(IReadOnlyList<StoredPrediction> batch, CancellationToken cancellationToken = default)
        {
            var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_durable)
            {
                _durable.Add(durable);
            }

            return Task.FromResult(durable.Task);
        }

        public Task WriteBatchAsync(IReadOnlyList<StoredPrediction> batch, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoredPrediction>> QueryAsync(PredictionQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<(long First, long Last)?> SequenceRangeAsync(string model, DateTimeOffset? since, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<MonitoredWindow> QueryMonitoredAsync(MonitoredQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<long> CountAsync(string? model = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<(long Deleted, long Through)> PruneAsync(
            string model, DateTimeOffset? olderThan, long? maxRecords, long? maxBytes, int maxDeletes, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}

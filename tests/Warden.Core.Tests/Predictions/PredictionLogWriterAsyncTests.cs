using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Warden.Core.Predictions;
using Warden.Core.Storage;

namespace Warden.Core.Tests.Predictions;

/// <summary>
/// The log writer under async durability: a batch closes when it is full or when its interval has passed since its first
/// record, and shutdown writes whatever is queued. The writer sleeps until then rather than waking for each record.
/// </summary>
public sealed class PredictionLogWriterAsyncTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 8, 0, 0, 0, TimeSpan.Zero);

    private static PredictionRecord Record(string id) => new(id, T0, "m", "1", "key_a", null, [], [], null, 1.0);

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    private static (PredictionLog Log, PredictionLogWriter Writer, RecordingStore Store) Start(int batchSize, int flushIntervalMs)
    {
        var store = new RecordingStore();
        var log = new PredictionLog(Options.Create(new PredictionLogOptions
        {
            Durability = PredictionDurability.Async, BatchSize = batchSize, FlushIntervalMs = flushIntervalMs,
        }));
        return (log, new PredictionLogWriter(log, store, NullLogger<PredictionLogWriter>.Instance), store);
    }

    [Fact]
    public async Task A_batch_is_written_as_soon_as_it_is_full_however_long_its_interval()
    {
        // An interval of ten minutes: only the batch's size can close it within the test's two.
        var (log, writer, store) = Start(batchSize: 5, flushIntervalMs: 600_000);
        await writer.StartAsync(TestContext.Current.CancellationToken);
        Assert.True(log.TryEnqueue(Record("a")));
        await Task.Delay(50, TestContext.Current.CancellationToken);
        foreach (var id in new[] { "b", "c", "d", "e" })
        {
            Assert.True(log.TryEnqueue(Record(id)));
        }

        await Until(() => store.Batches.Count == 1);
        Assert.Equal(["a", "b", "c", "d", "e"], store.Batches[0]);
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_batch_that_does_not_fill_is_written_once_its_interval_has_passed()
    {
        var (log, writer, store) = Start(batchSize: 1_000, flushIntervalMs: 20);
        await writer.StartAsync(TestContext.Current.CancellationToken);
        Assert.True(log.TryEnqueue(Record("a")));
        Assert.True(log.TryEnqueue(Record("b")));

        await Until(() => store.Batches.Sum(b => b.Count) == 2);
        Assert.True(log.TryEnqueue(Record("c")));
        await Until(() => store.Batches.Sum(b => b.Count) == 3);
        Assert.Equal(["a", "b", "c"], store.Batches.SelectMany(b => b));
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Stopping_writes_an_unfilled_batch_without_waiting_for_its_interval()
    {
        var (log, writer, store) = Start(batchSize: 1_000, flushIntervalMs: 600_000);
        await writer.StartAsync(TestContext.Current.CancellationToken);
        Assert.True(log.TryEnqueue(Record("a")));
        Assert.True(log.TryEnqueue(Record("b")));
        await Task.Delay(50, TestContext.Current.CancellationToken);

        await writer.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.Equal(["a", "b"], store.Batches.SelectMany(b => b));
    }

    private sealed class RecordingStore : IPredictionStore
    {
        private readonly List<List<string>> _batches = [];

        public List<List<string>> Batches
        {
            get
            {
                lock (_batches)
                {
                    return [.. _batches];
                }
            }
        }

        public Task<Task> CommitBatchAsync(IReadOnlyList<StoredPrediction> batch, CancellationToken cancellationToken = default)
        {
            lock (_batches)
            {
                _batches.Add(batch.Select(p => p.Id).ToList());
            }

            return Task.FromResult(Task.CompletedTask);
        }

        public Task WriteBatchAsync(IReadOnlyList<StoredPrediction> batch, CancellationToken cancellationToken = default) => CommitBatchAsync(batch, cancellationToken);

        public Task<IReadOnlyList<StoredPrediction>> QueryAsync(PredictionQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<long> CountAsync(string? model = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<(long First, long Last)?> SequenceRangeAsync(string model, DateTimeOffset? since, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<MonitoredWindow> QueryMonitoredAsync(MonitoredQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<(long Deleted, long Through)> PruneAsync(string model, DateTimeOffset? olderThan, long? maxRecords, long? maxBytes, int maxDeletes, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}

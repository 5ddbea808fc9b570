using Warden.Core.Predictions;
using Warden.Core.Storage;

namespace Warden.Server.Tests.Infrastructure;

/// <summary>A prediction store whose writes wait until <see cref="Release"/>; it counts what it was given and keeps nothing else.</summary>
public sealed class BlockingPredictionStore : IPredictionStore
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _written;

    public int Written => Volatile.Read(ref _written);

    /// <summary>Completes when the writer first tries to write a batch.</summary>
    public Task Entered => _entered.Task;

    public void Release() => _open.TrySetResult();

    public async Task WriteBatchAsync(IReadOnlyList<StoredPrediction> batch, CancellationToken cancellationToken = default)
    {
        _entered.TrySetResult();
        await _open.Task;
        Interlocked.Add(ref _written, batch.Count);
    }

    public Task<IReadOnlyList<StoredPrediction>> QueryAsync(PredictionQuery query, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<StoredPrediction>>([]);

    public Task<(long First, long Last)?> SequenceRangeAsync(string model, DateTimeOffset? since, CancellationToken cancellationToken = default) =>
        Task.FromResult<(long First, long Last)?>(null);

    public Task<MonitoredWindow> QueryMonitoredAsync(MonitoredQuery query, CancellationToken cancellationToken = default) =>
        Task.FromResult(new MonitoredWindow([], []));

    public Task<long> CountAsync(string? model = null, CancellationToken cancellationToken = default) => Task.FromResult((long)Written);

    public Task<(long Deleted, long Through)> PruneAsync(
        string model, DateTimeOffset? olderThan, long? maxRecords, long? maxBytes, int maxDeletes, CancellationToken cancellationToken = default) =>
        Task.FromResult((0L, 0L));
}

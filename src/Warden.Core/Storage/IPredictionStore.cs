using Warden.Core.Predictions;

namespace Warden.Core.Storage;

/// <summary>Persistence of the prediction log.</summary>
public interface IPredictionStore
{
    /// <summary>Writes a batch in one transaction.</summary>
    Task WriteBatchAsync(IReadOnlyList<StoredPrediction> batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a batch in one transaction and returns once it has committed, with a task that completes when the commit is
    /// durable (faults when it cannot be made so). By default the batch is written by <see cref="WriteBatchAsync"/>, durable
    /// when it returns.
    /// </summary>
    async Task<Task> CommitBatchAsync(IReadOnlyList<StoredPrediction> batch, CancellationToken cancellationToken = default)
    {
        await WriteBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        return Task.CompletedTask;
    }

    /// <summary>Reads predictions in log order.</summary>
    Task<IReadOnlyList<StoredPrediction>> QueryAsync(PredictionQuery query, CancellationToken cancellationToken = default);

    /// <summary>First and last sequence numbers of a model's predictions since <paramref name="since"/>; null when there are none.</summary>
    Task<(long First, long Last)?> SequenceRangeAsync(string model, DateTimeOffset? since, CancellationToken cancellationToken = default);

    /// <summary>Reads the monitoring view of a slice of predictions: columnar blocks of feature values, and rows read one by one (a feature vector, or the JSON payloads when a row has none).</summary>
    Task<MonitoredWindow> QueryMonitoredAsync(MonitoredQuery query, CancellationToken cancellationToken = default);

    /// <summary>Number of predictions stored for a model (all models when null).</summary>
    Task<long> CountAsync(string? model = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes <paramref name="model"/>'s oldest predictions, with their monitoring blocks, up to the newest one that breaks
    /// a limit: older than <paramref name="olderThan"/>, beyond the newest <paramref name="maxRecords"/>, or beyond the
    /// newest <paramref name="maxBytes"/> of stored payload text. Deletes at most <paramref name="maxDeletes"/> (oldest
    /// first) in one transaction. Returns how many were deleted and the highest sequence number deleted (0 when none).
    /// </summary>
    Task<(long Deleted, long Through)> PruneAsync(
        string model, DateTimeOffset? olderThan, long? maxRecords, long? maxBytes, int maxDeletes, CancellationToken cancellationToken = default);
}

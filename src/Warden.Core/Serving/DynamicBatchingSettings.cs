namespace Warden.Core.Serving;

/// <summary>
/// Dynamic batching of one deployment, as Triton configures it (<c>max_batch_size</c>, <c>dynamic_batching {
/// preferred_batch_size, max_queue_delay_microseconds }</c>): requests to the same version that arrive close together are
/// run as one batch along the first dimension, each keeping its own id, interceptors and prediction record. Only versions
/// whose inputs and outputs all have a variable first dimension (-1) are batched; others run each request on its own.
/// </summary>
public sealed record DynamicBatchingSettings
{
    /// <summary>Largest batch (sum of the requests' first dimensions) run at once. Requests larger than this run on their own.</summary>
    public int MaxBatchSize { get; init; } = 8;

    /// <summary>Longest a request waits for others to join its batch, in microseconds.</summary>
    public int MaxQueueDelayMicroseconds { get; init; } = 500;

    /// <summary>Batch sizes run as soon as they are reached, without waiting out the delay (each at most <see cref="MaxBatchSize"/>).</summary>
    public IReadOnlyList<int> PreferredBatchSize { get; init; } = [];

    internal void Validate(List<string> problems)
    {
        if (MaxBatchSize is < 1 or > 4096)
        {
            problems.Add($"dynamicBatching.maxBatchSize must be between 1 and 4096, got {MaxBatchSize}");
        }

        if (MaxQueueDelayMicroseconds is < 0 or > 1_000_000)
        {
            problems.Add($"dynamicBatching.maxQueueDelayMicroseconds must be between 0 and 1000000 (one second), got {MaxQueueDelayMicroseconds}");
        }

        foreach (var size in PreferredBatchSize)
        {
            if (size < 1 || size > MaxBatchSize)
            {
                problems.Add($"dynamicBatching.preferredBatchSize {size} must be between 1 and maxBatchSize ({MaxBatchSize})");
            }
        }
    }
}

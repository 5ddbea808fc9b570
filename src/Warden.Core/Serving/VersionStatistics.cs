using System.Collections.Concurrent;

namespace Warden.Core.Serving;

/// <summary>
/// Cumulative activity of one model version since the server started, in the terms of Triton's statistics extension:
/// requests (success, fail, queue), executions (one per batch run) and per-batch-size compute times.
/// </summary>
public sealed class VersionStatistics(string model, string version)
{
    private readonly ConcurrentDictionary<int, BatchStatistics> _batches = new();
    private long _inferenceCount;
    private long _executionCount;
    private long _lastInference;

    /// <summary>Model name.</summary>
    public string Model { get; } = model;

    /// <summary>Version label.</summary>
    public string Version { get; } = version;

    /// <summary>Successful inferences, each request counted by its batch size (its inputs' first dimension).</summary>
    public long InferenceCount => Interlocked.Read(ref _inferenceCount);

    /// <summary>Model executions: one per batch, so fewer than requests when dynamic batching joins them.</summary>
    public long ExecutionCount => Interlocked.Read(ref _executionCount);

    /// <summary>Time of the last request, in Unix milliseconds (0 when none yet).</summary>
    public long LastInference => Interlocked.Read(ref _lastInference);

    /// <summary>Successful requests and their time on the server.</summary>
    public StatisticDuration Success { get; } = new();

    /// <summary>Failed requests (after the version was resolved) and their time on the server.</summary>
    public StatisticDuration Fail { get; } = new();

    /// <summary>Time requests waited in the batching queue (zero for requests run on their own).</summary>
    public StatisticDuration Queue { get; } = new();

    /// <summary>Input preparation, over all executions.</summary>
    public StatisticDuration ComputeInput { get; } = new();

    /// <summary>Graph runs, over all executions.</summary>
    public StatisticDuration ComputeInfer { get; } = new();

    /// <summary>Output extraction, over all executions.</summary>
    public StatisticDuration ComputeOutput { get; } = new();

    /// <summary>Per batch size, ascending.</summary>
    public IReadOnlyList<BatchStatistics> Batches => _batches.Values.OrderBy(b => b.BatchSize).ToList();

    /// <summary>Records a finished request.</summary>
    public void RecordRequest(bool success, long batchSize, TimeSpan elapsed, DateTimeOffset at)
    {
        if (success)
        {
            Success.Add(elapsed);
            Interlocked.Add(ref _inferenceCount, batchSize);
        }
        else
        {
            Fail.Add(elapsed);
        }

        Interlocked.Exchange(ref _lastInference, at.ToUnixTimeMilliseconds());
    }

    /// <summary>Records one execution of <paramref name="batchSize"/> rows.</summary>
    public void RecordExecution(int batchSize, TimeSpan input, TimeSpan infer, TimeSpan output)
    {
        Interlocked.Increment(ref _executionCount);
        ComputeInput.Add(input);
        ComputeInfer.Add(infer);
        ComputeOutput.Add(output);
        var batch = _batches.GetOrAdd(batchSize, size => new BatchStatistics(size));
        batch.ComputeInput.Add(input);
        batch.ComputeInfer.Add(infer);
        batch.ComputeOutput.Add(output);
    }
}

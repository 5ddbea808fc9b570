namespace Warden.Core.Serving;

/// <summary>Executions of one batch size: time to prepare inputs, run the graph and read outputs.</summary>
public sealed class BatchStatistics(int batchSize)
{
    /// <summary>Rows (first-dimension length) in each execution.</summary>
    public int BatchSize { get; } = batchSize;

    /// <summary>Building the runtime's input tensors.</summary>
    public StatisticDuration ComputeInput { get; } = new();

    /// <summary>Running the graph.</summary>
    public StatisticDuration ComputeInfer { get; } = new();

    /// <summary>Copying the outputs out of the runtime.</summary>
    public StatisticDuration ComputeOutput { get; } = new();
}

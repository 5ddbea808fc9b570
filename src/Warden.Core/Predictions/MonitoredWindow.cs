namespace Warden.Core.Predictions;

/// <summary>
/// What the prediction log holds for monitoring in one <see cref="MonitoredQuery"/>: columnar blocks, and rows read one by
/// one (logged before blocks existed, in an older block layout, or with tensors the columns cannot hold). Both are in log
/// order within themselves; a reader that needs one order merges them by sequence number.
/// </summary>
/// <param name="Blocks">Columnar blocks, in log order.</param>
/// <param name="Rows">Single rows, in log order.</param>
public sealed record MonitoredWindow(IReadOnlyList<MonitoredBlock> Blocks, IReadOnlyList<MonitoredPrediction> Rows);

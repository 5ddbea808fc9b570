using System.Threading.Channels;
using Warden.Core.Inference;
using Warden.Core.Telemetry;
using Warden.Core.Tensors;

namespace Warden.Core.Serving;

/// <summary>
/// Joins concurrent requests to one model version into batches along the first dimension and runs each batch once, as
/// Triton's dynamic batcher does. Only the model run is batched: each request has already passed its own interceptors
/// and writes its own prediction record with its own outputs. A batch is run when it reaches the maximum batch size, when
/// it has reached a preferred size and nothing else is waiting, or when its oldest request has waited the maximum delay.
/// As many batches of one version run at once as it has sessions (Triton's model instances): the next batch is formed
/// when a session is free, so requests arriving meanwhile join it.
/// </summary>
public sealed class DynamicBatcher
{
    private readonly LoadedModel _model;
    private readonly WardenMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _freeSessions;
    private int _depth;

    internal DynamicBatcher(LoadedModel model, WardenMetrics? metrics, TimeProvider time)
    {
        _model = model;
        _freeSessions = new SemaphoreSlim(Math.Max(1, model.SessionCount));
        _metrics = metrics;
        _time = time;
        _ = Task.Run(LoopAsync);
    }

    /// <summary>Requests waiting for a batch.</summary>
    public int QueueDepth => Volatile.Read(ref _depth);

    /// <summary>
    /// The rows of a request: the common first dimension of its inputs, or null when they differ (such a request is run on
    /// its own, so the runtime reports the inconsistency to that caller alone).
    /// </summary>
    public static long? RowsOf(NamedTensor[] inputs)
    {
        if (inputs.Length == 0 || inputs[0].Shape.Length == 0)
        {
            return null;
        }

        var rows = inputs[0].Shape[0];
        foreach (var input in inputs)
        {
            if (input.Shape.Length == 0 || input.Shape[0] != rows)
            {
                return null;
            }
        }

        return rows > 0 ? rows : null;
    }

    internal bool TryEnqueue(NamedTensor[] inputs, IReadOnlyList<string>? requestedOutputs, long rows, DynamicBatchingSettings settings, out Task<NamedTensor[]> result)
    {
        var pending = new Pending(inputs, requestedOutputs, (int)rows, settings, _time.GetTimestamp());
        Interlocked.Increment(ref _depth);
        _metrics?.RecordBatchQueueChange(_model.Model, _model.Version, 1);
        if (!_queue.Writer.TryWrite(pending))
        {
            Interlocked.Decrement(ref _depth);
            _metrics?.RecordBatchQueueChange(_model.Model, _model.Version, -1);
            result = Task.FromResult(Array.Empty<NamedTensor>());
            return false;
        }

        result = pending.Completion.Task;
        return true;
    }

    /// <summary>Stops taking requests; those queued are still run.</summary>
    internal void Complete() => _queue.Writer.TryComplete();

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        Pending? carried = null;
        while (true)
        {
            if (carried is null)
            {
                if (!await reader.WaitToReadAsync().ConfigureAwait(false))
                {
                    return;
                }

                if (!reader.TryRead(out carried))
                {
                    continue;
                }
            }

            await _freeSessions.WaitAsync().ConfigureAwait(false);
            var first = carried;
            carried = null;
            var batch = new List<Pending> { first };
            var settings = first.Settings;
            var rows = first.Rows;
            var deadline = TimeSpan.FromTicks(settings.MaxQueueDelayMicroseconds * TimeSpan.TicksPerMicrosecond);
            while (rows < settings.MaxBatchSize)
            {
                if (reader.TryRead(out var next))
                {
                    if (rows + next.Rows > settings.MaxBatchSize)
                    {
                        carried = next;
                        break;
                    }

                    batch.Add(next);
                    rows += next.Rows;
                    continue;
                }

                if (settings.PreferredBatchSize.Contains(rows))
                {
                    break;
                }

                var remaining = deadline - _time.GetElapsedTime(first.Enqueued);
                if (remaining <= TimeSpan.Zero || !await WaitForMoreAsync(reader, remaining).ConfigureAwait(false))
                {
                    break;
                }
            }

            var size = rows;
            _ = Task.Run(() =>
            {
                try
                {
                    Execute(batch, size);
                }
                catch (Exception ex)
                {
                    // Nothing a batch does may leave its callers waiting.
                    foreach (var pending in batch)
                    {
                        pending.Completion.TrySetException(ex);
                    }
                }
                finally
                {
                    _freeSessions.Release();
                }
            });
        }
    }

    // True when another request arrived within the remaining delay.
    private async Task<bool> WaitForMoreAsync(ChannelReader<Pending> reader, TimeSpan remaining)
    {
        using var timeout = new CancellationTokenSource(remaining, _time);
        try
        {
            return await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Execute(List<Pending> batch, int rows)
    {
        var started = _time.GetTimestamp();
        foreach (var pending in batch)
        {
            var waited = _time.GetElapsedTime(pending.Enqueued, started);
            _model.Statistics?.Queue.Add(waited);
            _metrics?.RecordBatchQueueDelay(_model.Model, _model.Version, waited.TotalSeconds);
        }

        Interlocked.Add(ref _depth, -batch.Count);
        _metrics?.RecordBatchQueueChange(_model.Model, _model.Version, -batch.Count);
        _metrics?.RecordBatchSize(_model.Model, _model.Version, rows);
        if (batch.Count == 1)
        {
            RunAlone(batch[0]);
            return;
        }

        NamedTensor[] outputs;
        try
        {
            // Every output any request needs; each request then gets only what it asked for.
            var wanted = batch.Any(p => p.RequestedOutputs is null) ? null : batch.SelectMany(p => p.RequestedOutputs!).Distinct(StringComparer.Ordinal).ToList();
            outputs = _model.Run(Concatenate(batch), wanted);
        }
        catch (Exception ex) when (ex is WardenException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            // One request the runtime refuses must not fail the others: run each on its own for its own answer or error.
            foreach (var pending in batch)
            {
                RunAlone(pending);
            }

            return;
        }
        catch (Exception ex)
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(ex);
            }

            return;
        }

        if (outputs.Any(o => o.Shape.Length == 0 || o.Shape[0] != rows))
        {
            // A graph whose outputs are not one row per input row cannot be split back; answer each request on its own.
            foreach (var pending in batch)
            {
                RunAlone(pending);
            }

            return;
        }

        var offset = 0;
        foreach (var pending in batch)
        {
            var own = new List<NamedTensor>(outputs.Length);
            foreach (var output in outputs)
            {
                if (pending.RequestedOutputs is null || pending.RequestedOutputs.Contains(output.Name))
                {
                    own.Add(Slice(output, offset, pending.Rows));
                }
            }

            offset += pending.Rows;
            pending.Completion.TrySetResult(pending.RequestedOutputs is null ? [.. own] : [.. pending.RequestedOutputs.Select(name => own.First(o => o.Name == name))]);
        }
    }

    private void RunAlone(Pending pending)
    {
        try
        {
            pending.Completion.TrySetResult(_model.Run(pending.Inputs, pending.RequestedOutputs));
        }
        catch (Exception ex)
        {
            pending.Completion.TrySetException(ex);
        }
    }

    private static NamedTensor[] Concatenate(List<Pending> batch)
    {
        var first = batch[0].Inputs;
        var joined = new NamedTensor[first.Length];
        var rows = batch.Sum(p => (long)p.Rows);
        for (var i = 0; i < first.Length; i++)
        {
            var name = first[i].Name;
            var parts = batch.Select(p => p.Inputs.First(t => t.Name == name)).ToList();
            var shape = (long[])first[i].Shape.Clone();
            shape[0] = rows;
            var data = Array.CreateInstance(first[i].Data.GetType().GetElementType()!, parts.Sum(p => p.Data.Length));
            var at = 0;
            foreach (var part in parts)
            {
                Array.Copy(part.Data, 0, data, at, part.Data.Length);
                at += part.Data.Length;
            }

            joined[i] = new NamedTensor(name, first[i].Datatype, shape, data);
        }

        return joined;
    }

    private static NamedTensor Slice(NamedTensor output, int offset, int rows)
    {
        var perRow = output.Shape[0] == 0 ? 0 : output.Data.Length / (int)output.Shape[0];
        var shape = (long[])output.Shape.Clone();
        shape[0] = rows;
        var data = Array.CreateInstance(output.Data.GetType().GetElementType()!, perRow * rows);
        Array.Copy(output.Data, offset * perRow, data, 0, perRow * rows);
        return new NamedTensor(output.Name, output.Datatype, shape, data);
    }

    private sealed record Pending(NamedTensor[] Inputs, IReadOnlyList<string>? RequestedOutputs, int Rows, DynamicBatchingSettings Settings, long Enqueued)
    {
        public TaskCompletionSource<NamedTensor[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

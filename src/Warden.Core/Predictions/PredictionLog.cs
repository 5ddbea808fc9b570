using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Warden.Core.Predictions;

/// <summary>
/// The bounded in-memory queue between the request path and the <see cref="PredictionLogWriter"/>. Enqueueing never blocks:
/// when the queue is full the caller is told so and answers 503, which keeps the guarantee that every served prediction is
/// recorded. Under <see cref="PredictionDurability.Acknowledged"/> the caller also gets a task that completes when the
/// writer has committed the batch holding the record, and answers only then.
/// </summary>
public sealed class PredictionLog
{
    private readonly Channel<QueuedPrediction> _channel;

    // Counted here rather than read from the channel: the channel's count takes its lock, which every request would then
    // contend for with the writer draining the queue.
    private int _depth;

    // Requests between the start of inference and the queueing of their record, under acknowledged durability: while there
    // are none, nothing can join the open batch, and the writer commits it without waiting out CommitIntervalMs.
    private int _inProgress;

    public PredictionLog(IOptions<PredictionLogOptions> options)
    {
        Options = options.Value;
        _channel = Channel.CreateBounded<QueuedPrediction>(new BoundedChannelOptions(Options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>Settings in force.</summary>
    public PredictionLogOptions Options { get; }

    /// <summary>Records waiting to be written.</summary>
    public int QueueDepth => Math.Max(Volatile.Read(ref _depth), 0);

    /// <summary>
    /// Why the writer's last commit could not be made durable (a failed fsync of the store), or null while commits become
    /// durable. The readiness probe answers "not ready" while it is set, so an orchestrator stops sending traffic to a
    /// replica that would refuse every acknowledged request (after a failed fsync the embedded store acknowledges nothing
    /// until it is restarted).
    /// </summary>
    public string? DurabilityProblem => Volatile.Read(ref _durabilityProblem);

    private string? _durabilityProblem;

    /// <summary>Set by the writer when a commit fails to become durable (<paramref name="problem"/>), cleared (null) when one does again.</summary>
    internal void ReportDurability(string? problem) => Volatile.Write(ref _durabilityProblem, problem);

    /// <summary>True when the queue has room; check before running the model so a full queue refuses the request cheaply.</summary>
    public bool HasRoom => QueueDepth < Options.QueueCapacity;

    /// <summary>Queues a record nobody waits for (shadow copies); false when the queue is full or closed.</summary>
    public bool TryEnqueue(PredictionRecord record) => TryWrite(new QueuedPrediction(record, null));

    /// <summary>
    /// Queues a record for an answer; false when the queue is full or closed. <paramref name="committed"/> completes when
    /// the record is committed (at once under <see cref="PredictionDurability.Async"/>) and faults when the writer gives up.
    /// </summary>
    public bool TryEnqueue(PredictionRecord record, out Task committed) => TryEnqueue(record, endsInference: false, out committed);

    /// <summary>
    /// <see cref="TryEnqueue(PredictionRecord, out Task)"/> for a request counted by <see cref="BeginInference"/>
    /// (<paramref name="endsInference"/>): its <see cref="EndInference"/> comes after the record is prepared and just
    /// before it is queued, so the writer never closes a batch for want of inferences under way while a record is still
    /// being serialised.
    /// </summary>
    internal bool TryEnqueue(PredictionRecord record, bool endsInference, out Task committed)
    {
        if (Options.Durability == PredictionDurability.Async)
        {
            if (endsInference)
            {
                EndInference();
            }

            committed = Task.CompletedTask;
            return TryWrite(new QueuedPrediction(record, null));
        }

        // Continuations run off the writer's thread so one slow response cannot delay the next batch.
        var commit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        committed = commit.Task;

        // The request waits for the commit anyway: its record is redacted and serialised here, on its own thread and in
        // parallel with the others, rather than one after another on the writer's thread, which would lengthen every
        // commit cycle (and every answer) by the whole batch's serialisation.
        QueuedPrediction queued;
        try
        {
            queued = Prepare is { } prepare ? new QueuedPrediction(record, commit, prepare(record), Prepared: true) : new QueuedPrediction(record, commit);
        }
        finally
        {
            if (endsInference)
            {
                EndInference();
            }
        }

        return TryWrite(queued);
    }

    /// <summary>The writer's conversion of a record to its stored form (null: not kept), used on the request's thread under acknowledged durability.</summary>
    internal Func<PredictionRecord, StoredPrediction?>? Prepare { get; set; }

    private bool TryWrite(QueuedPrediction queued)
    {
        // Counted before the write so the writer's decrement never runs first and the depth never reads negative for long.
        var depth = Interlocked.Increment(ref _depth);
        if (_channel.Writer.TryWrite(queued))
        {
            if (depth >= Volatile.Read(ref _fillDepth))
            {
                ReleaseFilled();
            }

            return true;
        }

        Interlocked.Decrement(ref _depth);
        return false;
    }

    /// <summary>
    /// Waits for a record's commit (the task from <see cref="TryEnqueue(PredictionRecord, out Task)"/>). A store that fails or
    /// stalls past <see cref="PredictionLogOptions.CommitTimeoutMs"/> turns into a 503: the answer was not acknowledged, even
    /// if the writer commits the record later.
    /// </summary>
    public async Task WaitForCommitAsync(Task committed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(committed);
        if (committed.IsCompletedSuccessfully)
        {
            return;
        }

        using var span = Telemetry.WardenActivitySource.Start("warden.prediction_log.commit");
        try
        {
            // Real time: the timeout guards against a stalled store, which a test's fake clock would never let expire.
            await committed.WaitAsync(TimeSpan.FromMilliseconds(Options.CommitTimeoutMs), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new WardenException(503, "the prediction could not be committed to the log in time; retry shortly");
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not WardenException)
        {
            throw new WardenException(503, "the prediction log is unavailable; retry shortly");
        }
    }

    /// <summary>
    /// Marks an inference whose record the writer may wait for (acknowledged durability, log on); false when none is
    /// counted. Pair a true with one <see cref="EndInference"/>, called just before the record is queued (or when the
    /// request fails before that).
    /// </summary>
    internal bool BeginInference()
    {
        if (!Options.Enabled || Options.Durability != PredictionDurability.Acknowledged)
        {
            return false;
        }

        Interlocked.Increment(ref _inProgress);
        return true;
    }

    /// <summary>Ends what <see cref="BeginInference"/> marked.</summary>
    internal void EndInference() => Interlocked.Decrement(ref _inProgress);

    /// <summary>Inferences that may still queue a record the open batch would take.</summary>
    internal int InferencesInProgress => Volatile.Read(ref _inProgress);

    /// <summary>Waits until a record is queued; false once the log is completed and empty.</summary>
    internal ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _channel.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Takes the next queued record, if any.</summary>
    internal bool TryRead(out QueuedPrediction queued)
    {
        if (!_channel.Reader.TryRead(out queued))
        {
            return false;
        }

        Interlocked.Decrement(ref _depth);
        return true;
    }

    // The writer's wait for a fuller queue under async durability (WaitForDepthAsync): released by the record that brings
    // the queue to the depth asked for. Waiting for the channel instead woke the writer for every record at rates where it
    // drains faster than records arrive — a thread-pool dispatch and a timer per record, for a batch that closes on its
    // size or its interval anyway.
    private TaskCompletionSource? _filled;
    private int _fillDepth = int.MaxValue;
    private volatile bool _completed;

    /// <summary>
    /// Waits until the queue holds at least <paramref name="depth"/> records, the log is completed, or
    /// <paramref name="timeout"/> has passed, whichever comes first.
    /// </summary>
    internal async Task WaitForDepthAsync(int depth, TimeSpan timeout, TimeProvider time)
    {
        var filled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _filled, filled);

        // A full fence: either a record queued from now on sees the depth asked for, or the check below sees that record.
        Interlocked.Exchange(ref _fillDepth, depth);
        if (QueueDepth >= depth || _completed)
        {
            ReleaseFilled();
        }

        using var cancel = new CancellationTokenSource();
        var timedOut = Task.Delay(timeout, time, cancel.Token);
        if (await Task.WhenAny(filled.Task, timedOut).ConfigureAwait(false) == timedOut)
        {
            ReleaseFilled();
        }
        else
        {
            await cancel.CancelAsync().ConfigureAwait(false);
        }
    }

    private void ReleaseFilled()
    {
        Volatile.Write(ref _fillDepth, int.MaxValue);
        Interlocked.Exchange(ref _filled, null)?.TrySetResult();
    }

    /// <summary>True once <see cref="Complete"/> was called.</summary>
    internal bool IsCompleted => _completed;

    /// <summary>Stops accepting records (shutdown); the writer drains what is queued.</summary>
    public void Complete()
    {
        _channel.Writer.TryComplete();
        _completed = true;
        ReleaseFilled();
    }
}

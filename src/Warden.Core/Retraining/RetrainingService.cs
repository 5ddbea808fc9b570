using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Warden.Core.Audit;
using Warden.Core.Drift;
using Warden.Core.Monitoring;
using Warden.Core.Registry;
using Warden.Core.Settings;

namespace Warden.Core.Retraining;

/// <summary>
/// Queues retraining jobs (manual or from a trigger), cancels them and answers queries. Jobs run one at a time on the
/// <see cref="RetrainWorker"/>. Debounce: no new job for a model while one is queued or running; automatic jobs also wait
/// <see cref="RetrainPolicySettings.MinInterval"/> after the model's previous automatic job.
/// </summary>
public sealed class RetrainingService : IDriftAlertListener
{
    /// <summary>Trigger name of jobs started through the API.</summary>
    public const string ManualTrigger = "manual";

    private readonly IRetrainJobStore _store;
    private readonly ModelRegistry _registry;
    private readonly ModelSettings _settings;
    private readonly ModelRetrainer _retrainer;
    private readonly TrainingDataPaths _paths;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly Channel<long> _queue;
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _running = new();
    private readonly SemaphoreSlim _enqueueGate = new(1, 1);

    public RetrainingService(
        IRetrainJobStore store, ModelRegistry registry, ModelSettings settings, ModelRetrainer retrainer, TrainingDataPaths paths, AuditLog audit,
        TimeProvider time, IOptions<RetrainingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _registry = registry;
        _settings = settings;
        _retrainer = retrainer;
        _paths = paths;
        _audit = audit;
        _time = time;
        _queue = Channel.CreateBounded<long>(new BoundedChannelOptions(options.Value.QueueCapacity) { SingleReader = true });
    }

    /// <summary>Ids of jobs waiting for the worker.</summary>
    internal ChannelReader<long> Queue => _queue.Reader;

    /// <summary>
    /// Queues a manual job; 404 for an unknown model, 400 without usable training data or with a feedback weight outside 1 to 1000,
    /// 409 while one is active or the queue is full.
    /// </summary>
    public async Task<RetrainJob> StartAsync(string model, string? trainingData, string actor, CancellationToken cancellationToken = default, double? feedbackWeight = null)
    {
        if (feedbackWeight is { } weight && RetrainPolicySettings.FeedbackWeightProblem(weight) is { } problem)
        {
            throw WardenException.BadRequest(problem);
        }

        var job = await EnqueueAsync(model, ManualTrigger, actor, trainingData, automatic: false, cancellationToken, feedbackWeight).ConfigureAwait(false);
        return job!;
    }

    /// <summary>Queues an automatic job unless the model has no policy, or the debounce holds it back; returns the job or null.</summary>
    public async Task<RetrainJob?> TryStartAutomaticAsync(string model, string trigger, CancellationToken cancellationToken = default)
    {
        try
        {
            return await EnqueueAsync(model, trigger, "system", null, automatic: true, cancellationToken).ConfigureAwait(false);
        }
        catch (WardenException ex)
        {
            // A trigger has no caller to answer: the refusal (e.g. training data moved away) goes to the audit chain instead.
            await _audit.AppendAsync("system", "retrain.refused", model, new { trigger, reason = ex.Message }, cancellationToken).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>Starts a job for a drift alert when the model's policy asks for it.</summary>
    public async Task OnDriftAlertAsync(string model, DriftReport report, CancellationToken cancellationToken)
    {
        if (_settings.Get<RetrainPolicySettings>(model, RetrainPolicySettings.Kind) is { OnDriftAlert: true })
        {
            await TryStartAutomaticAsync(model, "drift", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Cancels a queued or running job; 404 when unknown, 409 when it already ended.</summary>
    public async Task<RetrainJob> CancelAsync(long id, string actor, CancellationToken cancellationToken = default)
    {
        var job = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (!RetrainJobStatus.IsActive(job.Status))
        {
            throw WardenException.Conflict($"retraining job {id} already ended ({job.Status})");
        }

        await _audit.AppendAsync(actor, "retrain.cancel", $"{job.Model}:job/{id}", new { status = job.Status }, cancellationToken).ConfigureAwait(false);
        if (_running.TryGetValue(id, out var source))
        {
            // The worker sees the token inside training and records the cancellation itself.
            await source.CancelAsync().ConfigureAwait(false);
            return job;
        }

        var cancelled = job with { Status = RetrainJobStatus.Cancelled, Phase = "cancelled", Finished = _time.GetUtcNow(), Error = $"cancelled by {actor} while queued" };
        await _store.UpdateAsync(cancelled, cancellationToken).ConfigureAwait(false);
        return cancelled;
    }

    /// <summary>One job; 404 when unknown.</summary>
    public async Task<RetrainJob> GetAsync(long id, CancellationToken cancellationToken = default) =>
        await _store.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw WardenException.NotFound($"retraining job {id} is not found");

    /// <summary>Jobs newest first.</summary>
    public Task<IReadOnlyList<RetrainJob>> ListAsync(string? model, int limit, CancellationToken cancellationToken = default) =>
        _store.ListAsync(model, null, limit, cancellationToken);

    /// <summary>A job's log lines.</summary>
    public Task<IReadOnlyList<RetrainLogLine>> LogsAsync(long id, CancellationToken cancellationToken = default) => _store.LogsAsync(id, cancellationToken);

    /// <summary>Registers the cancellation source of a job the worker is about to run.</summary>
    internal CancellationTokenSource Track(long id, CancellationToken stopping)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _running[id] = source;
        return source;
    }

    internal void Untrack(long id)
    {
        if (_running.TryRemove(id, out var source))
        {
            source.Dispose();
        }
    }

    /// <summary>Puts a stored queued job back on the queue (after a restart).</summary>
    internal bool Requeue(long id) => _queue.Writer.TryWrite(id);

    private async Task<RetrainJob?> EnqueueAsync(
        string model, string trigger, string actor, string? trainingData, bool automatic, CancellationToken cancellationToken, double? feedbackWeight = null)
    {
        if (!_registry.Models.TryGetValue(model, out var registered))
        {
            throw WardenException.NotFound($"model '{model}' is not found");
        }

        var policy = _settings.Get<RetrainPolicySettings>(model, RetrainPolicySettings.Kind);
        if (automatic && policy is null)
        {
            return null;
        }

        var baseVersion = registered.ProductionVersion ?? registered.Versions[^1].Version;
        var record = registered.FindVersion(baseVersion)!;
        var inputs = VersionSignature.Parse(record.SignatureJson).Inputs.Select(i => i.Name).ToList();
        if (_retrainer.Unsupported(model, inputs, ModelRegistry.ReadCard(record)) is { } reason)
        {
            if (automatic)
            {
                return null;
            }

            throw WardenException.BadRequest(reason);
        }

        var path = _paths.Resolve(trainingData ?? policy?.TrainingData);
        await _enqueueGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var previous = await _store.ListAsync(model, null, 100, cancellationToken).ConfigureAwait(false);
            if (previous.FirstOrDefault(j => RetrainJobStatus.IsActive(j.Status)) is { } active)
            {
                return automatic ? null : throw WardenException.Conflict($"retraining job {active.Id} of '{model}' is {active.Status}; wait for it or cancel it");
            }

            var now = _time.GetUtcNow();
            if (automatic && previous.FirstOrDefault(j => j.Trigger != ManualTrigger) is { } last
                && now - last.Created < TimeWindow.Parse(policy!.MinInterval, "minInterval"))
            {
                return null;
            }

            var job = await _store.AddAsync(
                new RetrainJob(0, model, baseVersion, trigger, actor, RetrainJobStatus.Queued, 0, "queued", now, null, null, null, null, path, 0, feedbackWeight),
                cancellationToken).ConfigureAwait(false);
            if (!_queue.Writer.TryWrite(job.Id))
            {
                job = job with { Status = RetrainJobStatus.Failed, Finished = now, Error = "the retraining queue is full" };
                await _store.UpdateAsync(job, cancellationToken).ConfigureAwait(false);
                return automatic ? null : throw WardenException.Conflict("the retraining queue is full; try again later");
            }

            await _audit.AppendAsync(actor, "retrain.queue", $"{model}:job/{job.Id}", new { trigger, baseVersion, trainingData = path, feedbackWeight }, cancellationToken).ConfigureAwait(false);
            return job;
        }
        finally
        {
            _enqueueGate.Release();
        }
    }
}

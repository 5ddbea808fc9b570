using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Core.Inference;

namespace Warden.Core.Explanations;

/// <summary>
/// Runs expensive explanations (sampled Shapley values over many features, large backgrounds) off the request path: a
/// bounded queue drained by one worker, so background explanations never take more than one core from serving. Jobs and
/// their results live in memory for <see cref="Retention"/> after they end: an explanation can always be computed again,
/// so it is not worth a table.
/// </summary>
public sealed class ExplanationJobQueue : BackgroundService
{
    /// <summary>Waiting for the worker.</summary>
    public const string Queued = "queued";

    /// <summary>Being computed.</summary>
    public const string Running = "running";

    /// <summary>Done; the result is available.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Ended with an error.</summary>
    public const string Failed = "failed";

    /// <summary>Most jobs waiting at once; more are refused with 503.</summary>
    public const int Capacity = 64;

    /// <summary>How long ended jobs are kept.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    private readonly Channel<ExplanationJob> _channel = Channel.CreateBounded<ExplanationJob>(new BoundedChannelOptions(Capacity) { SingleReader = true });
    private readonly ConcurrentDictionary<string, ExplanationJob> _jobs = new(StringComparer.Ordinal);
    private readonly ExplanationService _explanations;
    private readonly TimeProvider _time;
    private readonly ILogger<ExplanationJobQueue> _logger;

    public ExplanationJobQueue(ExplanationService explanations, TimeProvider time, ILogger<ExplanationJobQueue> logger)
    {
        _explanations = explanations;
        _time = time;
        _logger = logger;
    }

    /// <summary>Queues an explanation of the inference request <paramref name="body"/>; 503 when the queue is full.</summary>
    /// <param name="ownerKeyId">The submitting key.</param>
    /// <param name="model">Model name.</param>
    /// <param name="version">Version, or null for production.</param>
    /// <param name="body">The V2 inference request (one row), already checked to parse.</param>
    public ExplanationJob Submit(string ownerKeyId, string model, string? version, byte[] body)
    {
        Prune();
        var job = new ExplanationJob(Guid.CreateVersion7(_time.GetUtcNow()).ToString("N"), ownerKeyId, model, version, body, _time.GetUtcNow());
        if (!_channel.Writer.TryWrite(job))
        {
            throw new WardenException(503, $"{Capacity} explanations are already queued; retry later");
        }

        _jobs[job.Id] = job;
        return job;
    }

    /// <summary>The job, when it exists and has not expired.</summary>
    public ExplanationJob? Find(string id)
    {
        Prune();
        return _jobs.GetValueOrDefault(id);
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _channel.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in _channel.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await RunAsync(job, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: queued jobs are lost with the process, as their results would be.
        }
    }

    private async Task RunAsync(ExplanationJob job, CancellationToken cancellationToken)
    {
        job.Start(_time.GetUtcNow());
        try
        {
            var request = InferenceRequestReader.Read(job.Body);
            var result = await _explanations.ExplainAsync(
                job.Model, job.Version, signature => InputBinder.Bind(job.Model, signature, request.Inputs), cancellationToken).ConfigureAwait(false);
            job.Succeed(ExplanationContract.ToResponse(result), _time.GetUtcNow());
        }
        catch (WardenException ex)
        {
            job.Fail(ex.StatusCode, ex.Message, _time.GetUtcNow());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            job.Fail(503, "the server stopped before the explanation finished", _time.GetUtcNow());
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogError(ex, "explanation job {Job} of {Model} failed", job.Id, job.Model);
            job.Fail(500, "the explanation failed unexpectedly; see the server log", _time.GetUtcNow());
        }
    }

    private void Prune()
    {
        var cutoff = _time.GetUtcNow() - Retention;
        foreach (var (id, job) in _jobs)
        {
            if (job.FinishedAt is { } finished && finished < cutoff)
            {
                _jobs.TryRemove(id, out _);
            }
        }
    }
}

using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Core.Cluster;
using Warden.Core.Explanations;

namespace Warden.Core.Review;

/// <summary>
/// Background work of the review queue: computes the explanation of each new item, and sweeps for items whose deadline
/// passed (every <see cref="SweepInterval"/>, on the injected clock).
/// </summary>
public sealed partial class ReviewWorker : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ReviewQueue _queue;
    private readonly ExplanationService _explanations;
    private readonly TimeProvider _time;
    private readonly ILogger<ReviewWorker> _logger;

    private readonly IJobLeases _leases;

    public ReviewWorker(ReviewQueue queue, ExplanationService explanations, TimeProvider time, ILogger<ReviewWorker> logger, IJobLeases leases)
    {
        _leases = leases;
        _queue = queue;
        _explanations = explanations;
        _time = time;
        _logger = logger;
    }

    /// <summary>How often overdue items are escalated.</summary>
    public static TimeSpan SweepInterval { get; } = TimeSpan.FromSeconds(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ExplainLoopAsync(stoppingToken), SweepLoopAsync(stoppingToken));

    private async Task ExplainLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var request in _queue.ExplanationRequests.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var result = await Task.Run(() => _explanations.ExplainAsync(request.Model, request.Version, _ => request.Row, stoppingToken), stoppingToken).ConfigureAwait(false);
                    await _queue.AttachExplanationAsync(request.ItemId, JsonSerializer.Serialize(ExplanationContract.ToResponse(result), Json), stoppingToken).ConfigureAwait(false);
                }
                catch (WardenException ex)
                {
                    // No background sample or an unexplainable signature: the item is still reviewable without one.
                    LogNoExplanation(request.ItemId, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                // Every replica has this timer; the sweep (escalations, audit entries) runs on one per interval.
                var tick = _time.GetUtcNow().ToUnixTimeMilliseconds() / (long)SweepInterval.TotalMilliseconds;
                if (await _leases.TryClaimTickAsync("review-sweep", tick, SweepInterval * 3, stoppingToken).ConfigureAwait(false))
                {
                    await _queue.SweepAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Review {ItemId} has no explanation: {Reason}")]
    private partial void LogNoExplanation(string itemId, string reason);
}

using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Warden.Core.Audit;

namespace Warden.Core.Policies;

/// <summary>
/// Appends policy events (violations, abuse alerts) to the audit chain off the request path. The queue is bounded so a
/// flood of refused requests cannot back up into the audit store; entries beyond it are counted in <see cref="Dropped"/>.
/// </summary>
public sealed class PolicyAuditQueue(AuditLog audit) : BackgroundService
{
    private readonly Channel<(string Actor, string Action, string Target, JsonObject Details)> _channel =
        Channel.CreateBounded<(string, string, string, JsonObject)>(new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private long _dropped;
    private long _pending;

    /// <summary>Entries lost because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Entries queued and not yet written.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Queues one audit entry.</summary>
    public void Enqueue(string actor, string action, string target, JsonObject details)
    {
        Interlocked.Increment(ref _pending);
        if (!_channel.Writer.TryWrite((actor, action, target, details)))
        {
            Interlocked.Decrement(ref _pending);
            Interlocked.Increment(ref _dropped);
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _channel.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (actor, action, target, details) in _channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                await audit.AppendAsync(actor, action, target, details, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Interlocked.Increment(ref _dropped);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }
}

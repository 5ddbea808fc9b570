using System.Threading.Channels;

namespace Warden.Core.Events;

/// <summary>
/// Hands events to the delivery loop without blocking the caller. The queue is bounded; when subscribers are down for long
/// and it fills, the oldest undelivered events are dropped first and counted, because an alert path must never stall
/// inference.
/// </summary>
public sealed class EventPublisher
{
    private readonly Channel<WardenEvent> _channel = Channel.CreateBounded<WardenEvent>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly TimeProvider _time;
    private long _published;

    public EventPublisher(TimeProvider time) => _time = time;

    /// <summary>Raised on the publishing thread after an event is queued (the console's live streams wake on it); handlers must be quick.</summary>
    public event EventHandler<WardenEvent>? Raised;

    /// <summary>Events published since start.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Publishes an event of <paramref name="type"/> with <paramref name="data"/>.</summary>
    public WardenEvent Publish(string type, object data)
    {
        var item = new WardenEvent(type, _time.GetUtcNow(), data);
        _channel.Writer.TryWrite(item);
        Interlocked.Increment(ref _published);
        Raised?.Invoke(this, item);
        return item;
    }

    /// <summary>The stream the delivery loop reads.</summary>
    public ChannelReader<WardenEvent> Reader => _channel.Reader;
}
